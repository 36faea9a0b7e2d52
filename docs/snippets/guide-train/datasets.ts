// #region example
import { addNoise, parseCsv, splitDataset, toCsv } from '@odeon/train';

// Time courses of three experiments, one row per time point; an empty cell is a missing value.
const csv = `measurement,time,A,B
run1,0,1.00,0.00
run1,1,0.37,0.55
run1,2,0.14,
run1,4,0.02,0.41
run2,0,2.00,0.00
run2,1,0.74,1.10
run2,3,0.10,0.95
run3,0,0.50,0.50
run3,2,0.07,0.63`;

const data = parseCsv(csv);
console.log(`${data.size} measurements of ${data.species.join(', ')}: ${data.observedCount} observed values`);

// Hold out whole measurements for validation (seeded, so the split is reproducible).
const { train, validation } = splitDataset(data, { validationFraction: 0.34, seed: 1 });
console.log(
  `train: ${train.measurements.map((m) => m.name).join(', ')}; validation: ${validation.measurements.map((m) => m.name).join(', ')}`,
);

// Augment the training set with two noisy copies of each measurement (5 % relative noise).
const augmented = addNoise(train, { relative: 0.05, copies: 2, seed: 7 });
console.log(`augmented: ${augmented.measurements.map((m) => m.name).join(', ')}`);
console.log(toCsv(augmented).split('\n').slice(0, 4).join('\n'));

// #endregion example

export { augmented, data, train, validation };
