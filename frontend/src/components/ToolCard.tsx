import type { Tool } from "../api/types";
import { SchemaView } from "./SchemaView";

/** One tool of the catalogue: what it does, where it runs, what it takes and gives. */
export function ToolCard({ tool }: { tool: Tool }) {
  return (
    <article className="panel tool" id={`tool-${tool.name}`} data-testid={`tool-${tool.name}`} aria-labelledby={`tool-${tool.name}-name`}>
      <h2 id={`tool-${tool.name}-name`}>
        <code>{tool.name}</code>
      </h2>
      <p>{tool.description}</p>
      <p className="muted">
        Queue <code>{tool.queue}</code> · timeout {tool.timeout_s} s
      </p>
      <div className="schemas">
        <SchemaView title="Input" schema={tool.input_schema} testId={`tool-${tool.name}-input`} />
        <SchemaView title="Output" schema={tool.output_schema} testId={`tool-${tool.name}-output`} />
      </div>
    </article>
  );
}
