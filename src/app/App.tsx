import { useEffect } from 'react';
import { Compare } from './compare/Compare';
import { useCompare } from './compare/compareStore';
import { CompareToggle } from './compare/CompareToggle';
import { methodPanel } from './methodViews';
import { useShownMethod } from './onScreen';
import { Controls, RunBar } from './panels/Controls';
import { ExportImport, ImportResult } from './panels/ExportImport';
import { Figures } from './figures/Figures';
import { LessonPlayer } from './lessons/LessonPlayer';
import { Gallery } from './panels/Gallery';
import { MethodPanel } from './panels/MethodPanel';
import { ErrorBanner, LinkNotices } from './panels/Messages';
import { PanelTabs } from './panels/PanelTabs';
import { Announcer } from './panels/Announcer';
import { ProjectorToggle } from './panels/ProjectorToggle';
import { ThemeToggle } from './panels/ThemeToggle';
import { Repeats } from './panels/Repeats';
import { RestoreBanner } from './panels/RestoreBanner';
import { ConfirmStop } from './panels/RunGuard';
import { OwnDataDialog } from './owndata/OwnDataDialog';
import { StatusBar } from './panels/StatusBar';
import { Timeline } from './panels/Timeline';
import { syncUrl, useSettings } from './settings';
import { installShortcuts } from './shortcuts';
import { connectWorker, disconnectWorker } from './workerClient';

/**
 * One screen: the run bar (method, preset, dataset, Start / Pause / Step) in the header, the
 * status and timeline over the stage, and on the stage the method's own view beside the shared
 * panels behind tabs. The rest of the setup, the recorded runs and import / export are in the
 * sidebar. Where the screen is wide and tall enough (styles.css), the page is exactly one viewport
 * and each column scrolls by itself; below that the page flows and the run bar stays on top.
 */
export function App() {
  const backend = useSettings((s) => s.settings.backend);
  const method = useShownMethod();
  // A method with no view of its own (random search) is best shown by its candidates chart.
  const ownView = Boolean(methodPanel(method.id).View);
  const comparing = useCompare((s) => s.open);

  useEffect(() => syncUrl(), []);
  useEffect(() => installShortcuts(), []);
  // A backend is chosen once per worker (tfjs keeps its backend for the worker's life), so a new choice means a new worker.
  useEffect(() => {
    connectWorker(backend);
    return disconnectWorker;
  }, [backend]);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <h1>NAS Playground</h1>
          <p className="tagline">A real neural architecture search, trained in your browser.</p>
          <span className="mode-toggles">
            <ProjectorToggle />
            <ThemeToggle />
          </span>
        </div>
        <RunBar />
      </header>
      <aside className="sidebar">
        {/* First in the sidebar, which scrolls by itself: the header has no room at 1280 px without wrapping the run bar. */}
        <CompareToggle />
        <LessonPlayer />
        <Controls />
        <Repeats />
        <Gallery />
        <ExportImport />
        <Figures />
      </aside>
      <main className="main">
        <div className="run-head">
          <StatusBar />
          <Timeline />
        </div>
        <LinkNotices />
        <RestoreBanner />
        <ErrorBanner />
        <ImportResult />
        {/* Hidden, not removed, while the comparison is open: the run's charts keep following it. */}
        <div className="stage" hidden={comparing}>
          <MethodPanel />
          <PanelTabs withCandidates={ownView} />
        </div>
        {comparing && <Compare />}
      </main>
      <ConfirmStop />
      <OwnDataDialog />
      <Announcer />
    </div>
  );
}
