import { useId, useState, type ChangeEvent, type ReactNode } from "react";

import { formatBytes, type JsonCheck } from "../lib/json";

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  /** The live check of `value` (checkJsonObject), computed by the form that submits it. */
  check: JsonCheck;
  /** Show "required" errors for an empty field (after a submit attempt). */
  showEmptyError?: boolean;
  hint?: ReactNode;
  /** The server's errors for this field, shown under it. */
  serverErrors?: readonly string[];
  maxBytes?: number;
  rows?: number;
  /** Offer to load the text from a .json file. */
  upload?: boolean;
  testId: string;
}

/** A file's text (FileReader: it works wherever File.text() may not). */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ""));
    reader.onerror = () => reject(reader.error ?? new Error("unreadable file"));
    reader.readAsText(file);
  });
}

/** A JSON text area that says, as you type, whether it holds a valid JSON object. */
export function JsonEditor(props: Props) {
  const { id, label, value, onChange, check, hint, serverErrors = [], maxBytes, rows = 8, upload, testId } = props;
  const hintId = useId();
  const statusId = useId();
  const [fileError, setFileError] = useState<string | null>(null);
  const empty = value.trim() === "";
  const showError = !check.ok && (!empty || props.showEmptyError);
  const tooBig = check.ok && maxBytes !== undefined && check.bytes > maxBytes;
  const invalid = showError || tooBig || serverErrors.length > 0;

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      onChange(await readText(file));
      setFileError(null);
    } catch (error) {
      setFileError(`Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        className="code"
        rows={rows}
        value={value}
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid}
        aria-describedby={`${hint ? hintId : ""} ${statusId}`.trim()}
        data-testid={testId}
      />
      <p id={statusId} className={invalid ? "field-error" : "hint"} aria-live="polite" data-testid={`${testId}-status`}>
        {showError && !check.ok ? check.error : null}
        {!showError && check.ok && !empty ? `Valid JSON object, ${formatBytes(check.bytes)}` : null}
        {tooBig && maxBytes !== undefined ? ` — over the server's limit of ${formatBytes(maxBytes)}` : null}
      </p>
      {serverErrors.length ? (
        <ul className="field-error" data-testid={`${testId}-errors`}>
          {serverErrors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
      {upload ? (
        <p className="upload">
          <label htmlFor={`${id}-file`}>Load from a .json file </label>
          <input id={`${id}-file`} type="file" accept="application/json,.json" onChange={onFile} />
          {fileError ? <span className="field-error">{fileError}</span> : null}
        </p>
      ) : null}
    </div>
  );
}
