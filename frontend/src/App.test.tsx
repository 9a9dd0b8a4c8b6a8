import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Me } from "./api/types";
import { unreachable } from "./api/health";
import { LOCAL_ME } from "./test/factories";
import { fakeApi, json } from "./test/fakeApi";
import { renderApp } from "./test/render";
import { safeNext } from "./pages/SignInPage";

const ANONYMOUS: Me = { authenticated: false, username: null, is_staff: false, method: null, sign_in_required: true };
const ALICE: Me = { authenticated: true, username: "alice", is_staff: false, method: "session", sign_in_required: true };
const EMPTY_PAGE = { count: 0, next: null, previous: null, results: [] };

describe("App", () => {
  it("sends a visitor to sign in when the server requires it, then back where they were going", async () => {
    let me = ANONYMOUS;
    const { requests } = fakeApi((request) => {
      if (request.path === "/api/auth/me") return json(me);
      if (request.path === "/api/auth/login") {
        const { password } = request.body as { password: string };
        if (password !== "right") return json({ detail: "The username or password is not correct." }, 400);
        me = ALICE;
        return json(ALICE);
      }
      if (request.path === "/api/tools") return json([]);
      return undefined;
    });
    document.cookie = "csrftoken=abc";
    renderApp("/tools");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/sign-in?next=%2Ftools"));
    expect(screen.getByText("This AWE server needs you to sign in.")).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByTestId("sign-in-error")).toHaveTextContent("The username or password is not correct.");

    await userEvent.clear(screen.getByLabelText("Password"));
    await userEvent.type(screen.getByLabelText("Password"), "right");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/tools$/));
    expect(await screen.findByTestId("account-name")).toHaveTextContent("alice");
    const login = requests.find((r) => r.path === "/api/auth/login")!;
    expect(login.headers.get("X-CSRFToken")).toBe("abc");
  });

  it("signs out", async () => {
    let me = ALICE;
    fakeApi((request) => {
      if (request.path === "/api/auth/me") return json(me);
      if (request.path === "/api/auth/logout") {
        me = ANONYMOUS;
        return json(ANONYMOUS);
      }
      if (request.path === "/api/jobs") return json(EMPTY_PAGE);
      return undefined;
    });
    renderApp("/");
    await userEvent.click(await screen.findByTestId("sign-out"));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/sign-in"));
  });

  it("says when the API cannot be reached", async () => {
    fakeApi(() => {
      throw new TypeError("Failed to fetch");
    });
    renderApp("/tools");
    expect(await screen.findByTestId("api-unreachable")).toHaveTextContent("The AWE server is unreachable.");
    expect(await screen.findByTestId("tools-error")).toHaveTextContent("cannot be reached");
    unreachable.set(null);
  });

  it("answers an unknown address with a not-found page", async () => {
    fakeApi((request) => (request.path === "/api/auth/me" ? json(LOCAL_ME) : undefined));
    renderApp("/no/such/page");
    expect(await screen.findByTestId("not-found")).toHaveTextContent("There is no page at this address.");
  });

  it("shows the tool catalogue with each tool's schemas", async () => {
    fakeApi((request) => {
      if (request.path === "/api/auth/me") return json(LOCAL_ME);
      if (request.path === "/api/tools") {
        return json([
          {
            name: "core.write_file",
            description: "Write a text file into the workspace.",
            input_schema: {
              type: "object",
              properties: { path: { type: "string", maxLength: 512, description: "Where" }, content: { type: "string" } },
              required: ["path"],
            },
            output_schema: { type: "object", properties: { bytes: { type: "integer", minimum: 0 } } },
            timeout_s: 30,
            queue: "tools",
          },
        ]);
      }
      return undefined;
    });
    renderApp("/tools");
    const input = await screen.findByTestId("tool-core.write_file-input");
    expect(input).toHaveTextContent("path required");
    expect(input).toHaveTextContent("string (≤ 512 chars)");
    expect(screen.getByTestId("tool-core.write_file-output")).toHaveTextContent("integer (≥ 0)");
  });
});

describe("safeNext", () => {
  it("follows only same-site paths", () => {
    expect(safeNext("/jobs/1")).toBe("/jobs/1");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
