// Public API of @odeon/tensor: explicit named re-exports only (see README.md).
export {};
