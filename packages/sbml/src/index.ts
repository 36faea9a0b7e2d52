// Public API of @odeon/sbml: explicit named re-exports only (see README.md).
export {};
