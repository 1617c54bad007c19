//! Import from original (to be written).
