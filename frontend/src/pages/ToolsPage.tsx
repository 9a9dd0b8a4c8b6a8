import { useEffect, useState } from "react";
import { useLocation } from "react-router";

import type { Tool } from "../api/types";
import { ErrorBanner } from "../components/ErrorBanner";
import { ToolCard } from "../components/ToolCard";
import { useApiQuery } from "../hooks/useApiQuery";

/** The tool catalogue (GET /api/tools) with each tool's input and output schemas. */
export function ToolsPage() {
  const { data, error, loading, refetch } = useApiQuery<Tool[]>("/api/tools");
  const [filter, setFilter] = useState("");
  const { hash } = useLocation();
  useEffect(() => {
    if (data && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [data, hash]);
  const needle = filter.trim().toLowerCase();
  const tools = (data ?? []).filter(
    (tool) => !needle || tool.name.toLowerCase().includes(needle) || tool.description.toLowerCase().includes(needle),
  );
  return (
    <section aria-labelledby="tools-title">
      <div className="page-head">
        <h1 id="tools-title">Tools</h1>
        {data ? <span className="muted">{data.length} tools</span> : null}
      </div>
      <div className="field-inline filters">
        <label htmlFor="tool-filter">Find a tool</label>
        <input
          id="tool-filter"
          type="search"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="Name or description"
          data-testid="tool-filter"
        />
      </div>
      <ErrorBanner error={error} title="Could not load the tools" testId="tools-error" onRetry={refetch} />
      {loading ? <p aria-busy="true">Loading tools…</p> : null}
      {data && tools.length === 0 ? <p className="muted">No tool matches “{filter}”.</p> : null}
      {tools.map((tool) => (
        <ToolCard key={tool.name} tool={tool} />
      ))}
    </section>
  );
}
