// Progress on stderr for runs over a second: a bar on a TTY, plain lines (every 10%) otherwise.
// The core only emits events; rendering lives here.
import cliProgress from 'cli-progress';

export interface ProgressSink {
  update(fraction: number, phase: string): void;
  stop(): void;
}

export function progressSink(enabled: boolean, label: string): ProgressSink {
  if (!enabled) return { update() {}, stop() {} };
  const start = Date.now();
  const tty = !!process.stderr.isTTY;
  let bar: cliProgress.SingleBar | undefined;
  let lastDecile = -1;
  let lastLine = 0;
  let shown = false;
  // The ETA comes from the rate since the first event (not since the process started: loading
  // Wasm and drawing data are not part of the phases the fractions measure), and only once there is
  // a rate to speak of; a phase's own label says what runs (e.g. replicates in parallel).
  let first: { at: number; fraction: number } | undefined;
  const eta = (fraction: number): string => {
    if (!first || fraction >= 1) return '';
    const dt = (Date.now() - first.at) / 1000;
    const df = fraction - first.fraction;
    if (dt < 2 || df <= 0) return ', ETA …';
    return `, ETA ${((dt * (1 - fraction)) / df).toFixed(0)} s`;
  };
  return {
    update(fraction, phase) {
      if (!first) first = { at: Date.now(), fraction };
      if (Date.now() - start < 1000) return; // quick runs stay silent
      const pct = Math.max(0, Math.min(100, Math.floor(fraction * 1000) / 10));
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { format: `${label} [{bar}] {percentage}% | {phase}{eta}`, stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(100, pct, { phase, eta: eta(fraction) });
        }
        bar.update(pct, { phase, eta: eta(fraction) });
      } else {
        // A line per 10 % and, on long phases, at least one every 30 s.
        const decile = Math.floor(pct / 10);
        if (decile > lastDecile || Date.now() - lastLine > 30_000) {
          lastDecile = Math.max(lastDecile, decile);
          lastLine = Date.now();
          const elapsed = (Date.now() - start) / 1000;
          process.stderr.write(`${label}: ${pct < 10 ? pct.toFixed(1) : Math.floor(pct)}% (${phase}, ${elapsed.toFixed(1)} s${eta(fraction)})\n`);
        }
      }
      shown = true;
    },
    stop() {
      if (bar) bar.stop();
      else if (shown && !tty) process.stderr.write(`${label}: done in ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
    },
  };
}
