// Public API of @odeon/penalties: explicit named re-exports only (see README.md).
export {};
