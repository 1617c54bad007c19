//! Import from router (to be written).
