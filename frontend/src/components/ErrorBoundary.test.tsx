import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { allowConsoleErrors } from "../test/setup";
import { ErrorBoundary } from "./ErrorBoundary";

function Broken(): never {
  throw new Error("the widget broke");
}

describe("ErrorBoundary", () => {
  it("shows what broke instead of a blank page", () => {
    allowConsoleErrors(); // React reports the caught error on the console
    render(
      <ErrorBoundary>
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByTestId("error-boundary")).toHaveTextContent("the widget broke");
    expect(screen.getByRole("button", { name: "Reload the page" })).toBeInTheDocument();
  });
});
