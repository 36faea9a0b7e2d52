/** A float64 vector: states, parameters, gradients. A dense matrix is a row-major `Vec` with its dimensions beside it. */
export type Vec = Float64Array;
