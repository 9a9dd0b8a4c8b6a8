import type { JsonSchema } from "../api/types";
import { pretty } from "../lib/format";
import { schemaFields } from "../lib/schema";

interface Props {
  title: string;
  schema: JsonSchema;
  testId: string;
}

/** A tool's input or output JSON Schema: a table of its fields, and the schema itself. */
export function SchemaView({ title, schema, testId }: Props) {
  const fields = schemaFields(schema);
  return (
    <div className="schema" data-testid={testId}>
      <h4>{title}</h4>
      {fields.length === 0 ? (
        <p className="muted">No fields.</p>
      ) : (
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((field) => (
                <tr key={field.name}>
                  <td data-label="Field">
                    <code>{field.name}</code>
                    {field.required ? <span className="required"> required</span> : null}
                  </td>
                  <td data-label="Type">
                    {field.type}
                    {field.default !== null ? <span className="muted"> · default {field.default}</span> : null}
                  </td>
                  <td data-label="Description">{field.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <details>
        <summary>JSON Schema</summary>
        <pre className="json">{pretty(schema)}</pre>
      </details>
    </div>
  );
}
