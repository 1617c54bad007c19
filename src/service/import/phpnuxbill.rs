//! Import from phpnuxbill (to be written).
