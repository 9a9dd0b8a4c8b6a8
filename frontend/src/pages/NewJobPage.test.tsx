import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { aJob, LOCAL_ME } from "../test/factories";
import { fakeApi, json, type FakeRequest } from "../test/fakeApi";
import { renderPage } from "../test/render";
import { NewJobPage } from "./NewJobPage";

function server(answer: (request: FakeRequest) => Response) {
  return fakeApi((request) => {
    if (request.path === "/api/auth/me") return json(LOCAL_ME);
    if (request.path === "/api/jobs" && request.method === "POST") return answer(request);
    return undefined;
  });
}

describe("NewJobPage", () => {
  it("submits the goal, context, priority and budget, then opens the job", async () => {
    const { requests } = server(() => json(aJob({ id: "3accd1cd-2ba1-47ed-a14b-c0fc864db972" }), 201));
    renderPage(<NewJobPage />, "/jobs/new");
    await userEvent.type(screen.getByLabelText("Goal"), "Write a brief");
    expect(screen.getByTestId("goal-count")).toHaveTextContent("13 / 8000 characters");
    await userEvent.clear(screen.getByLabelText(/Priority/));
    await userEvent.type(screen.getByLabelText(/Priority/), "5");
    fireEvent.change(screen.getByLabelText("Context (JSON object, optional)"), { target: { value: '{"audience": "ops"}' } });
    await userEvent.type(screen.getByLabelText("Max tasks"), "10");
    await userEvent.click(screen.getByRole("button", { name: "Submit job" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/jobs/3accd1cd-2ba1-47ed-a14b-c0fc864db972"));
    expect(requests.find((r) => r.method === "POST")!.body).toEqual({
      goal: "Write a brief",
      priority: 5,
      context_json: { audience: "ops" },
      budget: { max_tasks: 10 },
    });
  });

  it("does not send invalid JSON and says why", async () => {
    const { requests } = server(() => json({}, 500));
    renderPage(<NewJobPage />, "/jobs/new");
    await userEvent.type(screen.getByLabelText("Goal"), "g");
    fireEvent.change(screen.getByLabelText("Context (JSON object, optional)"), { target: { value: "[1, 2]" } });
    expect(screen.getByTestId("context-json-status")).toHaveTextContent("Must be a JSON object ({...}), not an array.");
    await userEvent.click(screen.getByRole("button", { name: "Submit job" }));
    expect(requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("shows the server's field errors beside the fields", async () => {
    server(() =>
      json({ goal: ["This field may not be blank."], budget: { max_tasks: ["Ensure this value is greater than or equal to 1."] } }, 400),
    );
    renderPage(<NewJobPage />, "/jobs/new");
    await userEvent.type(screen.getByLabelText("Max tasks"), "0");
    await userEvent.click(screen.getByRole("button", { name: "Submit job" }));
    expect(await screen.findByTestId("new-job-error")).toHaveTextContent("The job was not created");
    expect(screen.getByLabelText("Goal")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("This field may not be blank.")).toBeInTheDocument();
    expect(screen.getByLabelText("Max tasks")).toHaveAccessibleDescription("Ensure this value is greater than or equal to 1.");
  });

  it("sends an explicit plan and shows the server's plan problems beside it", async () => {
    const { requests } = server(() =>
      json(
        {
          detail: "the plan is invalid",
          plan: [{ code: "unknown_tool", message: "task 'a': unknown tool 'nope'", task: "a", field: "tool" }],
        },
        400,
      ),
    );
    renderPage(<NewJobPage />, "/jobs/new");
    await userEvent.type(screen.getByLabelText("Goal"), "g");
    await userEvent.click(screen.getByLabelText(/Give an explicit plan/));
    await userEvent.click(screen.getByRole("button", { name: "Submit job" }));
    expect(screen.getByTestId("plan-json-status")).toHaveTextContent("Enter a JSON object");
    fireEvent.change(screen.getByLabelText("Plan (JSON)"), {
      target: { value: '{"tasks": [{"id": "a", "tool": "nope", "inputs": {}}]}' },
    });
    await userEvent.click(screen.getByRole("button", { name: "Submit job" }));
    expect(await screen.findByTestId("plan-problems")).toHaveTextContent("unknown_tool in task a (tool): task 'a': unknown tool 'nope'");
    expect(screen.getByTestId("new-job-error")).toHaveTextContent("the plan is invalid");
    expect(requests.find((r) => r.method === "POST")!.body).toMatchObject({ plan: { tasks: [{ id: "a" }] } });
  });
});
