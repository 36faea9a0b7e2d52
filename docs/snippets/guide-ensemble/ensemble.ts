// #region example
import { runEnsemble, sampleMembers } from '@odeon/ensemble';

// A ⇌ B in the Odeon JSON model format (SBML works the same): passed by value, so every worker
// compiles its own copy.
const model = JSON.stringify({
  id: 'reversible',
  compartments: [{ id: 'c', size: 1 }],
  species: [
    { id: 'A', initial: 1, compartment: 'c' },
    { id: 'B', initial: 0, compartment: 'c' },
  ],
  parameters: { kf: 1, kr: 0.5 },
  reactions: [{ id: 'r', equation: 'A <-> B', rate: 'c * (kf * A - kr * B)' }],
});

// 200 members with uncertain rates and initial amount; member k draws from its own seed stream.
const members = sampleMembers({
  count: 200,
  seed: 1,
  p: { kf: { dist: 'lognormal', median: 1, sigma: 0.3 }, kr: { dist: 'uniform', lower: 0.3, upper: 0.7 } },
  y0: { A: { dist: 'normal', mean: 1, sd: 0.05 } },
});
const saveAt = Array.from({ length: 21 }, (_, i) => i * 0.25);

// Two workers: worker threads in Node, Web Workers in a browser. 0, 1 or 4 give the same numbers.
const { stats } = await runEnsemble({
  problem: { kind: 'model', text: model },
  members,
  t1: 5,
  saveAt,
  workers: 2,
  quantiles: [0.05, 0.5, 0.95],
});
const m = stats.names.length;
const iA = stats.names.indexOf('A');
const at = (a: Float64Array, i: number) => a[i * m + iA];
const last = saveAt.length - 1;
console.log(`${stats.status.success} of ${members.length} members solved`);
console.log(
  `A(5): mean ${at(stats.mean, last).toFixed(4)}, 90% band [${at(stats.quantiles[0], last).toFixed(4)}, ${at(stats.quantiles[2], last).toFixed(4)}]`,
);
// #endregion example

const column = (a: Float64Array) => saveAt.map((_, i) => at(a, i));
// Every digit of A's statistics: the docs' browser test checks that the page's Web Workers print
// exactly what worker threads print in Node.
console.log(`mean(A) = [${column(stats.mean).join(', ')}]`);
console.log(`q05(A) = [${column(stats.quantiles[0]).join(', ')}]`);
console.log(`q95(A) = [${column(stats.quantiles[2]).join(', ')}]`);
const plot = {
  title: 'A(t) over 200 members: mean and 90% band',
  x: saveAt,
  xLabel: 't',
  yLabel: 'A',
  series: { mean: column(stats.mean), q05: column(stats.quantiles[0]), q95: column(stats.quantiles[2]) },
};

export { members, plot, stats };
