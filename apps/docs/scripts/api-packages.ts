/** The published packages the API reference covers, in the order it lists them. */
export const apiPackages = [
  'core',
  'ode',
  'tensor',
  'sbml',
  'neural',
  'penalties',
  'train',
  'petab',
  'ensemble',
] as const;
