import { renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { anAttempt, aTask, taskDetail } from "../test/factories";
import { fakeApi, json } from "../test/fakeApi";
import { useTaskDetail } from "./useTaskDetail";

function server() {
  return fakeApi((request) => {
    const id = /\/tasks\/([^/]+)$/.exec(request.path)?.[1];
    return id ? json(taskDetail(aTask(id), [anAttempt(1)])) : undefined;
  });
}

describe("useTaskDetail", () => {
  it("reads the task with its attempt log, and again when the revision changes", async () => {
    const { requests } = server();
    const { result, rerender } = renderHook(({ revision }) => useTaskDetail("j 1", "a/b", revision), {
      initialProps: { revision: "running@3" },
    });
    await waitFor(() => expect(result.current.data?.attempt_log).toHaveLength(1));
    expect(requests.map((r) => r.url.pathname)).toEqual(["/api/jobs/j%201/tasks/a%2Fb"]);
    rerender({ revision: "running@3" });
    rerender({ revision: "retrying@4" });
    await waitFor(() => expect(requests).toHaveLength(2));
  });

  it("reads another task once when the task and its revision change together", async () => {
    const { requests } = server();
    const { result, rerender } = renderHook(({ task, revision }) => useTaskDetail("j", task, revision), {
      initialProps: { task: "a", revision: "running@3" },
    });
    await waitFor(() => expect(result.current.data?.id).toBe("a"));
    rerender({ task: "b", revision: "pending@0" });
    await waitFor(() => expect(result.current.data?.id).toBe("b"));
    expect(requests.map((r) => r.url.pathname)).toEqual(["/api/jobs/j/tasks/a", "/api/jobs/j/tasks/b"]);
  });
});
