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
  let shown = false;
  return {
    update(fraction, phase) {
      if (Date.now() - start < 1000) return; // quick runs stay silent
      const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            { format: `${label} [{bar}] {percentage}% | {phase} | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(100, pct, { phase });
        }
        bar.update(pct, { phase });
      } else {
        const decile = Math.floor(pct / 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          const elapsed = (Date.now() - start) / 1000;
          // ETA from the rate so far; the DMFT cost grows like N³, so its engine reports fractions of work, not rows.
          const eta = fraction > 0 && fraction < 1 ? `, ETA ${((elapsed * (1 - fraction)) / fraction).toFixed(0)} s` : '';
          process.stderr.write(`${label}: ${pct}% (${phase}, ${elapsed.toFixed(1)} s${eta})\n`);
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
