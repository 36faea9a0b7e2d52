// Public API of @odeon/train: explicit named re-exports only (see README.md).
export {};
