// A figure description shared by the plot tests: a theory line, simulation points with error bars (one
// zero, shown on the log axis), a rule and a band, on a log y domain.
import type { FigureDesc } from '../../src/plot/figure.js';

export const decay: FigureDesc = {
  title: 'decay',
  panels: [
    {
      xTitle: 'time t',
      yTitle: 'error',
      series: [
        { name: 'theory', x: [1, 10, 100, 1000], y: [1, 1e-2, 1e-4, 1e-6], mark: 'line' },
        { name: 'simulation', x: [1, 10, 100, 1000], y: [1.1, 1.2e-2, 0.9e-4, 0], se: [0.1, 0.5e-2, 2e-4, 0], mark: 'points' },
      ],
      rules: [{ x: 30, label: 't₁' }],
      bands: [{ x0: 2, x1: 5, label: 'plateau' }],
      yDomain: [1e-5, 10],
    },
  ],
};
