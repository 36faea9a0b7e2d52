// Public API of @odeon/neural: explicit named re-exports only (see README.md).
export {};
