import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import { applyTheme, initialTheme } from './theme';
import { benchWorker } from './workerClient';
import { loadOwnDatasets } from './owndata/ownData';

// Before the first render, so the page never shows the other theme for a frame.
applyTheme(initialTheme());

// The measurement hook npm run bench:browser drives (scripts/bench-browser.spec.ts): it times the
// worker's supernet training on whichever backend the page started. It computes nothing by itself.
(window as unknown as { nasPlayground: unknown }).nasPlayground = { bench: benchWorker };

// The learner's datasets kept in this browser, checked and made known to the config check.
void loadOwnDatasets();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
