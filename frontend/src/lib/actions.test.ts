import { describe, expect, it } from "vitest";

import { cancelAvailability, replanAvailability, retryFailedAvailability, retryTaskAvailability } from "./actions";

describe("action availability", () => {
  it("cancels only unfinished jobs", () => {
    expect(cancelAvailability("running").enabled).toBe(true);
    expect(cancelAvailability("succeeded")).toEqual({
      enabled: false,
      reason: "The job is succeeded; only an unfinished job can be cancelled.",
    });
  });

  it("retries failed tasks of a failed or running job", () => {
    expect(retryFailedAvailability("failed", ["succeeded", "failed"]).enabled).toBe(true);
    expect(retryFailedAvailability("failed", ["succeeded"]).reason).toBe("No task has failed.");
    expect(retryFailedAvailability("cancelled", ["failed"]).enabled).toBe(false);
  });

  it("retries one task only when it failed", () => {
    expect(retryTaskAvailability("failed", "failed").enabled).toBe(true);
    expect(retryTaskAvailability("failed", "blocked").reason).toMatch(/task is blocked/);
  });

  it("replans running or failed jobs with nothing in flight", () => {
    expect(replanAvailability("failed", ["failed", "blocked"]).enabled).toBe(true);
    expect(replanAvailability("running", ["running"]).reason).toMatch(/in flight/);
    expect(replanAvailability("succeeded", []).enabled).toBe(false);
  });
});
