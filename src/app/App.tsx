import { useEffect } from 'react';
import { LossChart } from './charts/LossChart';
import { ScoreChart } from './charts/ScoreChart';
import { Controls } from './panels/Controls';
import { ExportImport, ImportResult } from './panels/ExportImport';
import { FinalResult } from './panels/FinalResult';
import { Figures } from './figures/Figures';
import { LessonPlayer } from './lessons/LessonPlayer';
import { Gallery } from './panels/Gallery';
import { CellInspector, Leaderboard } from './panels/Leaderboard';
import { MethodPanel } from './panels/MethodPanel';
import { ErrorBanner, LinkNotices, RunNotes } from './panels/Messages';
import { RestoreBanner } from './panels/RestoreBanner';
import { StatusBar } from './panels/StatusBar';
import { Timeline } from './panels/Timeline';
import { syncUrl, useSettings } from './settings';
import { connectWorker, disconnectWorker } from './workerClient';

export function App() {
  const backend = useSettings((s) => s.settings.backend);

  useEffect(() => syncUrl(), []);
  // A backend is chosen once per worker (tfjs keeps its backend for the worker's life), so a new choice means a new worker.
  useEffect(() => {
    connectWorker(backend);
    return disconnectWorker;
  }, [backend]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>NAS Playground</h1>
        <p className="tagline">A real neural architecture search, trained in your browser: watch it sample cells, score them and pick a winner.</p>
      </header>
      <aside className="sidebar">
        <Controls />
        <Gallery />
        <ExportImport />
        <Figures />
      </aside>
      <main className="main">
        <LessonPlayer />
        <StatusBar />
        <Timeline />
        <LinkNotices />
        <RestoreBanner />
        <ErrorBanner />
        <ImportResult />
        <FinalResult />
        <div className="charts">
          <section className="panel chart-panel" aria-labelledby="loss-title">
            <h2 id="loss-title">Training</h2>
            <LossChart />
          </section>
          <section className="panel chart-panel" aria-labelledby="score-title">
            <h2 id="score-title">Candidates</h2>
            <ScoreChart />
          </section>
        </div>
        <div className="explore">
          <Leaderboard />
          <CellInspector />
        </div>
        <MethodPanel />
        <RunNotes />
      </main>
    </div>
  );
}
