import type { PlanProblem } from "../api/types";

/** Why the server refused a plan: one line per problem, naming the task and field. */
export function PlanProblems({ problems, testId }: { problems: readonly PlanProblem[]; testId: string }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems field-error" data-testid={testId}>
      {problems.map((problem, index) => (
        <li key={`${problem.code}-${index}`}>
          <code>{problem.code}</code>
          {problem.task ? (
            <>
              {" "}
              in task <code>{problem.task}</code>
            </>
          ) : null}
          {problem.field ? (
            <>
              {" "}
              (<code>{problem.field}</code>)
            </>
          ) : null}
          : {problem.message}
        </li>
      ))}
    </ul>
  );
}
