import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { aTask } from "../test/factories";
import { criticalPath } from "../lib/criticalPath";
import { DagView } from "./DagView";

const tasks = [aTask("a"), aTask("b", { depends_on: ["a"] }), aTask("c", { depends_on: ["a"] }), aTask("d", { depends_on: ["b"] })];

describe("DagView", () => {
  it("draws a node per task with its live status and marks the critical path", () => {
    const statuses = { a: "succeeded", b: "running", c: "failed", d: "pending" } as const;
    render(<DagView tasks={tasks} statuses={statuses} critical={criticalPath(tasks)} selected={null} onOpen={() => {}} />);
    expect(screen.getByTestId("dag-node-a")).toHaveAttribute("data-status", "succeeded");
    expect(screen.getByTestId("dag-node-b")).toHaveAttribute("data-status", "running");
    expect(screen.getByTestId("dag-node-c")).toHaveAttribute("data-status", "failed");
    expect(screen.getByTestId("dag-node-d")).toHaveAttribute("data-critical", "true");
    expect(screen.getByTestId("dag-node-c")).toHaveAttribute("data-critical", "false");
    // React Flow shows nodes once measured; jsdom does not measure, so read the label directly.
    expect(screen.getByTestId("dag-node-d")).toHaveAttribute("aria-label", "Task d (Task d): pending, on the critical path");
  });

  it("updates a node when its status changes", () => {
    const critical = criticalPath(tasks);
    const { rerender } = render(
      <DagView tasks={tasks} statuses={{ a: "running" }} critical={critical} selected={null} onOpen={() => {}} />,
    );
    expect(screen.getByTestId("dag-node-a")).toHaveAttribute("data-status", "running");
    rerender(<DagView tasks={tasks} statuses={{ a: "succeeded" }} critical={critical} selected={null} onOpen={() => {}} />);
    expect(screen.getByTestId("dag-node-a")).toHaveAttribute("data-status", "succeeded");
  });

  it("opens a task from the keyboard", async () => {
    const onOpen = vi.fn();
    render(<DagView tasks={tasks} statuses={{}} critical={criticalPath(tasks)} selected="b" onOpen={onOpen} />);
    expect(screen.getByTestId("dag-node-b")).toHaveAttribute("aria-pressed", "true");
    screen.getByTestId("dag-node-c").focus();
    await userEvent.keyboard("{Enter}");
    expect(onOpen).toHaveBeenCalledWith("c");
    fireEvent.click(screen.getByTestId("dag-node-a"));
    expect(onOpen).toHaveBeenLastCalledWith("a");
  });
});
