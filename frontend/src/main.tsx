import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";

import { App } from "./App";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root, {
  // A render failure is shown in the page by the ErrorBoundary; log it as a warning, not an error.
  onCaughtError(error, info) {
    console.warn("AWE web app: part of the page failed to render", error, info.componentStack);
  },
}).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
