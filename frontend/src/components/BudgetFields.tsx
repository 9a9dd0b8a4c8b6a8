import type { Budget } from "../api/types";

export type BudgetText = Record<keyof Budget, string>;
export const EMPTY_BUDGET: BudgetText = { max_tasks: "", max_tokens: "", max_cost_usd: "", max_parallel: "" };

const FIELDS: { key: keyof Budget; label: string; step: string }[] = [
  { key: "max_tasks", label: "Max tasks", step: "1" },
  { key: "max_tokens", label: "Max LLM tokens", step: "1" },
  { key: "max_cost_usd", label: "Max cost (USD)", step: "0.01" },
  { key: "max_parallel", label: "Max tasks in parallel", step: "1" },
];

/** The budget as the API wants it: only the fields filled in; numbers where they parse. */
export function budgetBody(text: BudgetText): Record<string, number | string> | undefined {
  const body: Record<string, number | string> = {};
  for (const { key } of FIELDS) {
    const value = text[key].trim();
    if (!value) continue;
    const number = Number(value);
    body[key] = Number.isFinite(number) ? number : value; // the server names what is wrong
  }
  return Object.keys(body).length ? body : undefined;
}

interface Props {
  value: BudgetText;
  onChange: (value: BudgetText) => void;
  errors: Record<string, string[]>;
}

/** Optional limits for one job; empty fields use the server's defaults. */
export function BudgetFields({ value, onChange, errors }: Props) {
  return (
    <fieldset className="budget">
      <legend>Budget (optional; empty uses the server's defaults)</legend>
      <div className="grid-4">
        {FIELDS.map(({ key, label, step }) => {
          const fieldErrors = errors[`budget.${key}`] ?? [];
          const errorId = `budget-${key}-error`;
          return (
            <div className="field" key={key}>
              <label htmlFor={`budget-${key}`}>{label}</label>
              <input
                id={`budget-${key}`}
                type="number"
                min={0}
                step={step}
                inputMode="decimal"
                value={value[key]}
                onChange={(event) => onChange({ ...value, [key]: event.target.value })}
                aria-invalid={fieldErrors.length > 0}
                aria-describedby={fieldErrors.length ? errorId : undefined}
                data-testid={`budget-${key}`}
              />
              {fieldErrors.length ? (
                <p className="field-error" id={errorId}>
                  {fieldErrors.join(" ")}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
