import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
  useNodesState,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useEffect, useMemo } from "react";

import type { Task, TaskStatus } from "../api/types";
import { useMediaQuery } from "../hooks/useMediaQuery";
import type { CriticalPath } from "../lib/criticalPath";
import { layoutDag } from "../lib/layout";

type TaskNodeData = {
  taskKey: string;
  title: string;
  tool: string;
  status: TaskStatus;
  critical: boolean;
  selected: boolean;
  vertical: boolean;
};
type TaskNode = Node<TaskNodeData, "task">;

/**
 * One task: a button coloured by status. Its click (a pointer, or Enter/Space on the focused
 * button) reaches React Flow's onNodeClick, which opens the drawer; React Flow also needs that
 * handler to let pointer events through to its nodes.
 */
const TaskNodeView = memo(function TaskNodeView({ data }: NodeProps<TaskNode>) {
  const { taskKey, title, tool, status, critical, selected, vertical } = data;
  return (
    <>
      <Handle type="target" position={vertical ? Position.Top : Position.Left} isConnectable={false} />
      <button
        type="button"
        className={`dag-node status-${status}${critical ? " critical" : ""}${selected ? " selected" : ""}`}
        data-testid={`dag-node-${taskKey}`}
        data-status={status}
        data-critical={critical ? "true" : "false"}
        aria-pressed={selected}
        aria-label={`Task ${taskKey}${title ? ` (${title})` : ""}: ${status}${critical ? ", on the critical path" : ""}`}
      >
        <span className="dag-node-title">{title || taskKey}</span>
        <span className="dag-node-meta">
          {taskKey} · {tool}
        </span>
        <span className="dag-node-status">{status}</span>
      </button>
      <Handle type="source" position={vertical ? Position.Bottom : Position.Right} isConnectable={false} />
    </>
  );
});

const nodeTypes = { task: TaskNodeView };

interface Props {
  tasks: readonly Task[];
  statuses: Record<string, TaskStatus>;
  critical: CriticalPath;
  selected: string | null;
  onOpen: (key: string) => void;
}

/** The plan's DAG (React Flow, laid out by dagre): nodes by live status, the critical path marked. */
export function DagView({ tasks, statuses, critical, selected, onOpen }: Props) {
  const vertical = useMediaQuery("(max-width: 640px)");
  // Re-layout only when the graph changes (`shape` stands for the ids and edges), not on status changes.
  const shape = JSON.stringify(tasks.map((task) => [task.id, task.depends_on]));
  const layout = useMemo(() => layoutDag(tasks, vertical ? "TB" : "LR"), [shape, vertical]);
  const byId = useMemo(() => new Map(tasks.map((task) => [task.id, task])), [tasks]);
  const onPath = useMemo(() => new Set(critical.keys), [critical]);

  const computed: TaskNode[] = useMemo(
    () =>
      layout.nodes.map(({ id, x, y }) => {
        const task = byId.get(id)!;
        return {
          id,
          type: "task" as const,
          position: { x, y },
          data: {
            taskKey: id,
            title: task.title,
            tool: task.tool,
            status: statuses[id] ?? task.status,
            critical: onPath.has(id),
            selected: selected === id,
            vertical,
          },
        };
      }),
    [layout, byId, statuses, onPath, selected, vertical],
  );
  // React Flow shows a node once it has measured it and reports the size through onNodesChange;
  // new node objects without that size would stay hidden, so each update keeps the measured size.
  const [nodes, setNodes, onNodesChange] = useNodesState<TaskNode>(computed);
  useEffect(() => {
    setNodes((previous) => {
      const measured = new Map(previous.map((node) => [node.id, node.measured]));
      return computed.map((node) => ({ ...node, measured: measured.get(node.id) }));
    });
  }, [computed, setNodes]);
  const edges: Edge[] = layout.edges.map((edge) => {
    const hot = critical.edges.has(edge.id);
    return {
      ...edge,
      className: hot ? "edge-critical" : undefined,
      animated: statuses[edge.target] === "running",
      markerEnd: { type: MarkerType.ArrowClosed },
      data: { critical: hot },
    };
  });

  return (
    <div className="dag" data-testid="dag" style={{ height: Math.min(Math.max(layout.height + 80, 240), 640) }}>
      <ReactFlow
        key={`${shape}-${vertical}`}
        nodes={nodes}
        onNodesChange={onNodesChange}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={(_, node) => onOpen(node.id)}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        preventScrolling={false}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
