import { describe, expect, it } from "vitest";

import { fakeApi, json } from "../test/fakeApi";
import { apiRequest, csrfToken } from "./client";
import { ApiError } from "./errors";
import { signedOut, unreachable } from "./health";

describe("apiRequest", () => {
  it("sends JSON with the CSRF cookie on POSTs, not on GETs", async () => {
    document.cookie = "csrftoken=tok123";
    const { requests } = fakeApi(() => json({ ok: true }, 201));
    await apiRequest("/api/jobs", { method: "POST", body: { goal: "g" } });
    await apiRequest("/api/jobs");
    expect(requests[0]!.headers.get("X-CSRFToken")).toBe("tok123");
    expect(requests[0]!.headers.get("Content-Type")).toBe("application/json");
    expect(requests[0]!.body).toEqual({ goal: "g" });
    expect(requests[1]!.headers.get("X-CSRFToken")).toBeNull();
  });

  it("turns an error answer into an ApiError and reports a 401", async () => {
    const before = signedOut.get();
    fakeApi(() => json({ detail: "Authentication credentials were not provided." }, 401));
    await expect(apiRequest("/api/jobs")).rejects.toMatchObject({ status: 401 });
    expect(signedOut.get()).toBe(before + 1);
  });

  it("marks the API unreachable on a network failure and reachable again on an answer", async () => {
    fakeApi(() => {
      throw new TypeError("Failed to fetch");
    });
    const error = await apiRequest("/api/jobs").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).unreachable).toBe(true);
    expect(unreachable.get()).toMatch(/cannot be reached/);
    fakeApi(() => json([]));
    await apiRequest("/api/tools");
    expect(unreachable.get()).toBeNull();
  });
});

describe("csrfToken", () => {
  it("reads the csrftoken cookie", () => {
    expect(csrfToken("a=1; csrftoken=xyz; b=2")).toBe("xyz");
    expect(csrfToken("a=1")).toBeNull();
  });
});
