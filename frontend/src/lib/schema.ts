import type { Json, JsonSchema } from "../api/types";

export interface SchemaField {
  name: string;
  type: string;
  required: boolean;
  description: string;
  default: string | null;
}

function isSchema(value: Json | undefined): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const refName = (ref: string): string => ref.split("/").pop() ?? ref;

/** A short type for a property schema: "string", "integer ≥ 1", "array of FileEntry", "string | null". */
export function describeType(schema: JsonSchema): string {
  if (typeof schema.$ref === "string") return refName(schema.$ref);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return union.filter(isSchema).map(describeType).join(" | ");
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if ("const" in schema) return JSON.stringify(schema.const);
  let type = Array.isArray(schema.type) ? schema.type.join(" | ") : typeof schema.type === "string" ? schema.type : "any";
  if (type === "array" && isSchema(schema.items)) type = `array of ${describeType(schema.items)}`;
  const bounds: string[] = [];
  if (typeof schema.minimum === "number") bounds.push(`≥ ${schema.minimum}`);
  if (typeof schema.maximum === "number") bounds.push(`≤ ${schema.maximum}`);
  if (typeof schema.maxLength === "number") bounds.push(`≤ ${schema.maxLength} chars`);
  return bounds.length ? `${type} (${bounds.join(", ")})` : type;
}

/** The top-level properties of an object schema, required ones first. */
export function schemaFields(schema: JsonSchema): SchemaField[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : []);
  const fields = Object.entries(properties).map(([name, value]) => {
    const property = isSchema(value) ? value : {};
    return {
      name,
      type: describeType(property),
      required: required.has(name),
      description: typeof property.description === "string" ? property.description : "",
      default: "default" in property ? JSON.stringify(property.default) : null,
    };
  });
  return fields.sort((a, b) => Number(b.required) - Number(a.required));
}
