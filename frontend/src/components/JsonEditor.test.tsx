import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";

import { checkJsonObject } from "../lib/json";
import { JsonEditor } from "./JsonEditor";

function Harness({ required = false, serverErrors }: { required?: boolean; serverErrors?: string[] }) {
  const [text, setText] = useState("");
  return (
    <JsonEditor
      id="ctx"
      label="Context"
      value={text}
      onChange={setText}
      check={checkJsonObject(text, required)}
      serverErrors={serverErrors}
      maxBytes={20}
      upload
      testId="ctx"
    />
  );
}

describe("JsonEditor", () => {
  it("validates as you type and labels the field", async () => {
    render(<Harness />);
    const field = screen.getByLabelText("Context");
    await userEvent.type(field, "{{");
    expect(screen.getByTestId("ctx-status")).toHaveTextContent(/JSON/);
    expect(field).toHaveAttribute("aria-invalid", "true");
    await userEvent.clear(field);
    await userEvent.type(field, '{{"a": 1}');
    expect(screen.getByTestId("ctx-status")).toHaveTextContent("Valid JSON object, 7 B");
    expect(field).toHaveAttribute("aria-invalid", "false");
  });

  it("says when a valid object is over the server's limit", async () => {
    render(<Harness />);
    await userEvent.type(screen.getByLabelText("Context"), '{{"long": "abcdefghijklmnop"}');
    expect(screen.getByTestId("ctx-status")).toHaveTextContent("over the server's limit of 20 B");
  });

  it("shows the server's errors under the field", () => {
    render(<Harness serverErrors={["must be a JSON object"]} />);
    expect(screen.getByTestId("ctx-errors")).toHaveTextContent("must be a JSON object");
    expect(screen.getByLabelText("Context")).toHaveAttribute("aria-invalid", "true");
  });

  it("loads a .json file into the editor", async () => {
    render(<Harness />);
    const file = new File(['{"from": "file"}'], "plan.json", { type: "application/json" });
    await userEvent.upload(screen.getByLabelText(/Load from a .json file/), file);
    expect(await screen.findByDisplayValue('{"from": "file"}')).toBeInTheDocument();
  });
});
