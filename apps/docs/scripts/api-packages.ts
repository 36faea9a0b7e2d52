/** The published packages the API reference covers, in the order it lists them. */
export const apiPackages = ['ode', 'tensor', 'sbml', 'neural', 'penalties', 'train'] as const;
