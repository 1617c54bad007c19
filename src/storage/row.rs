//! Rows mapped by declaration, not by offset.
//!
//! A [`Field`] reads itself from a [`Cursor`] over a result row and writes itself as
//! parameters; a scalar is one column, a record (declared with [`record!`]) is its fields in
//! order, a tuple is its members in order. [`table!`] declares an entity's table once: its
//! name, alias, key and columns; the SELECT list, the INSERT column list, the UPDATE
//! assignments and the parameters all come from that one declaration, so adding or reordering
//! a column cannot make a repository read the wrong one. A join reads the entity and then its
//! extra columns from the same cursor: `ex.all::<(Invoice, String)>(…)`.

use chrono::{DateTime, NaiveDate, Utc};

use super::value::{Kind, parse_date, parse_timestamp};
use super::{Exec, Row, StoreError, Value};
use crate::domain::money::Money;

/// Reads the columns of one row in SELECT order, each exactly once.
pub struct Cursor {
    values: std::vec::IntoIter<Value>,
    at: usize,
}

impl Cursor {
    pub fn new(row: Row) -> Cursor {
        Cursor {
            values: row.0.into_iter(),
            at: 0,
        }
    }

    /// The next column's raw value.
    pub fn value(&mut self) -> Result<Value, StoreError> {
        let v = self
            .values
            .next()
            .ok_or_else(|| StoreError::Decode(format!("the row has no column {}", self.at)))?;
        self.at += 1;
        Ok(v)
    }

    /// Reads the next field.
    pub fn read<T: Field>(&mut self) -> Result<T, StoreError> {
        T::read(self)
    }

    /// A decode error about the column just read.
    pub fn mismatch(&self, want: &str, got: &Value) -> StoreError {
        StoreError::Decode(format!(
            "column {}: expected {want}, got {got:?}",
            self.at.saturating_sub(1)
        ))
    }

    /// Ends the row: a column left unread means the statement and the mapping disagree.
    fn finish(self) -> Result<(), StoreError> {
        match self.values.len() {
            0 => Ok(()),
            n => Err(StoreError::Decode(format!(
                "{n} columns after column {} were not read",
                self.at
            ))),
        }
    }
}

/// Something stored in one or more consecutive columns.
pub trait Field: Sized {
    fn read(c: &mut Cursor) -> Result<Self, StoreError>;
    /// Appends this value's parameters, one per column.
    fn write(&self, out: &mut Vec<Value>);
    /// The column names of a field called `name`: a scalar is one column of that name; a
    /// record is its own columns.
    fn columns(name: &'static str, out: &mut Vec<&'static str>) {
        out.push(name);
    }
}

/// The columns of the field that `_get` picks out of `S` (lets [`record!`] ask a field's type
/// without naming it).
pub fn columns_of<S, T: Field>(
    _get: fn(&S) -> &T,
    name: &'static str,
    out: &mut Vec<&'static str>,
) {
    T::columns(name, out);
}

/// Reads a whole row as `T`.
pub fn decode<T: Field>(row: Row) -> Result<T, StoreError> {
    let mut c = Cursor::new(row);
    let v = T::read(&mut c)?;
    c.finish()?;
    Ok(v)
}

impl Field for i64 {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        match c.value()? {
            Value::Int(v) => Ok(v),
            Value::Bool(b) => Ok(i64::from(b)),
            // MySQL reports SUM() of integers as DECIMAL, which arrives as text.
            Value::Text(t) => t
                .trim_end_matches(".0")
                .parse()
                .map_err(|_| c.mismatch("integer", &Value::Text(t))),
            v => Err(c.mismatch("integer", &v)),
        }
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Int(*self));
    }
}

/// Integers narrower than `i64`, checked on the way in.
macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn read(c: &mut Cursor) -> Result<Self, StoreError> {
                let v = i64::read(c)?;
                <$t>::try_from(v).map_err(|_| c.mismatch(stringify!($t), &Value::Int(v)))
            }
            fn write(&self, out: &mut Vec<Value>) {
                out.push(Value::Int(i64::from(*self)));
            }
        }
    )*};
}
narrow_int!(i32, u32, u16);

impl Field for bool {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        match c.value()? {
            Value::Bool(b) => Ok(b),
            Value::Int(v) => Ok(v != 0),
            v => Err(c.mismatch("boolean", &v)),
        }
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Bool(*self));
    }
}

impl Field for String {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        match c.value()? {
            Value::Text(t) => Ok(t),
            v => Err(c.mismatch("text", &v)),
        }
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Text(self.clone()));
    }
}

impl Field for NaiveDate {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        match c.value()? {
            Value::Date(d) => Ok(d),
            Value::Text(t) => parse_date(&t).ok_or_else(|| c.mismatch("date", &Value::Text(t))),
            v => Err(c.mismatch("date", &v)),
        }
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Date(*self));
    }
}

impl Field for DateTime<Utc> {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        match c.value()? {
            Value::Timestamp(t) => Ok(t),
            // SQLite's own CURRENT_TIMESTAMP (in migrations) is `YYYY-MM-DD HH:MM:SS`.
            Value::Text(t) => parse_timestamp(&t)
                .or_else(|| chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S").ok())
                .map(|n| n.and_utc())
                .ok_or_else(|| c.mismatch("timestamp", &Value::Text(t))),
            v => Err(c.mismatch("timestamp", &v)),
        }
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Timestamp(*self));
    }
}

impl From<Money> for Value {
    fn from(m: Money) -> Value {
        Value::Int(m.minor())
    }
}
impl super::value::HasKind for Money {
    const KIND: Kind = Kind::Int;
}

impl Field for Money {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        i64::read(c).map(Money::from_minor)
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Int(self.minor()));
    }
}

/// The SQL kind of a scalar's NULL (PostgreSQL refuses a NULL typed as the wrong kind).
pub trait Nullable: Field {
    const KIND: Kind;
}
impl Nullable for i64 {
    const KIND: Kind = Kind::Int;
}
impl Nullable for i32 {
    const KIND: Kind = Kind::Int;
}
impl Nullable for u32 {
    const KIND: Kind = Kind::Int;
}
impl Nullable for u16 {
    const KIND: Kind = Kind::Int;
}
impl Nullable for Money {
    const KIND: Kind = Kind::Int;
}
impl Nullable for bool {
    const KIND: Kind = Kind::Bool;
}
impl Nullable for String {
    const KIND: Kind = Kind::Text;
}
impl Nullable for NaiveDate {
    const KIND: Kind = Kind::Date;
}
impl Nullable for DateTime<Utc> {
    const KIND: Kind = Kind::Timestamp;
}
impl Nullable for crate::domain::notify::Schedule {
    const KIND: Kind = Kind::Text;
}

/// A reminder schedule is one text column: `-3,0,1,3`.
impl Field for crate::domain::notify::Schedule {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        let t = String::read(c)?;
        Self::parse(&t).map_err(|_| c.mismatch("reminder schedule", &Value::Text(t)))
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Text(self.text()));
    }
}

impl<T: Nullable> Field for Option<T> {
    fn read(c: &mut Cursor) -> Result<Self, StoreError> {
        match c.values.as_slice().first() {
            Some(Value::Null(_)) => {
                c.value()?;
                Ok(None)
            }
            _ => T::read(c).map(Some),
        }
    }
    fn write(&self, out: &mut Vec<Value>) {
        match self {
            Some(v) => v.write(out),
            None => out.push(Value::Null(T::KIND)),
        }
    }
}

/// Typed ids are integer columns.
macro_rules! id_fields {
    ($($t:ident),*) => {$(
        impl Field for crate::domain::ids::$t {
            fn read(c: &mut Cursor) -> Result<Self, StoreError> {
                i64::read(c).map(crate::domain::ids::$t)
            }
            fn write(&self, out: &mut Vec<Value>) {
                out.push(Value::Int(self.0));
            }
        }
        impl Nullable for crate::domain::ids::$t {
            const KIND: Kind = Kind::Int;
        }
        impl From<crate::domain::ids::$t> for Value {
            fn from(v: crate::domain::ids::$t) -> Value {
                Value::Int(v.0)
            }
        }
        impl super::value::HasKind for crate::domain::ids::$t {
            const KIND: Kind = Kind::Int;
        }
    )*};
}
id_fields!(
    UserId,
    ClientId,
    PlanId,
    SubscriptionId,
    InvoiceId,
    PaymentId,
    RouterId,
    JobId
);

/// Word enums (`crate::words!`) are text columns holding their word.
#[macro_export]
macro_rules! word_fields {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::storage::Field for $t {
            fn read(c: &mut $crate::storage::Cursor) -> Result<Self, $crate::storage::StoreError> {
                let text = String::read(c)?;
                <$t as $crate::domain::words::Word>::parse(&text)
                    .ok_or_else(|| c.mismatch(stringify!($t), &$crate::storage::Value::Text(text)))
            }
            fn write(&self, out: &mut Vec<$crate::storage::Value>) {
                out.push($crate::storage::Value::Text(
                    $crate::domain::words::Word::as_str(*self).to_owned(),
                ));
            }
        }
        impl $crate::storage::row::Nullable for $t {
            const KIND: $crate::storage::Kind = $crate::storage::Kind::Text;
        }
        impl From<$t> for $crate::storage::Value {
            fn from(v: $t) -> $crate::storage::Value {
                $crate::storage::Value::Text($crate::domain::words::Word::as_str(v).to_owned())
            }
        }
        impl $crate::storage::value::HasKind for $t {
            const KIND: $crate::storage::Kind = $crate::storage::Kind::Text;
        }
    )*};
}

macro_rules! tuple_fields {
    ($($t:ident),+) => {
        impl<$($t: Field),+> Field for ($($t,)+) {
            fn read(c: &mut Cursor) -> Result<Self, StoreError> {
                Ok(($($t::read(c)?,)+))
            }
            #[allow(non_snake_case)]
            fn write(&self, out: &mut Vec<Value>) {
                let ($($t,)+) = self;
                $($t.write(out);)+
            }
            fn columns(_: &'static str, _: &mut Vec<&'static str>) {
                unreachable!("tuples are read from joins, not declared as columns")
            }
        }
    };
}
tuple_fields!(A);
tuple_fields!(A, B);
tuple_fields!(A, B, C);
tuple_fields!(A, B, C, D);
tuple_fields!(A, B, C, D, E);
tuple_fields!(A, B, C, D, E, F);

/// Declares a struct's fields as consecutive columns, in this order:
/// `record!(Period { unit = "period_unit", count = "period_count" });`
/// A field's column name defaults to the field's name; a field whose type is itself a record
/// brings its own columns.
#[macro_export]
macro_rules! record {
    ($ty:ty { $($field:ident $(= $col:literal)?),* $(,)? }) => {
        impl $crate::storage::Field for $ty {
            fn read(c: &mut $crate::storage::Cursor) -> Result<Self, $crate::storage::StoreError> {
                Ok(Self { $($field: c.read()?,)* })
            }
            fn write(&self, out: &mut Vec<$crate::storage::Value>) {
                $($crate::storage::Field::write(&self.$field, out);)*
            }
            fn columns(_: &'static str, out: &mut Vec<&'static str>) {
                $({
                    #[allow(unused_variables)]
                    let name = stringify!($field);
                    $(let name = $col;)?
                    $crate::storage::row::columns_of(|s: &Self| &s.$field, name, out);
                })*
            }
        }
    };
}

/// An entity stored as one row of one table, its key first.
pub trait Table: Field {
    const TABLE: &'static str;
    /// The alias every statement gives the table (`clients c`).
    const ALIAS: &'static str;

    /// The three lists below, computed once (by [`column_lists`]).
    fn lists() -> &'static [String; 3];

    /// `c.id, c.name, …`: every column, key first, qualified by the alias.
    fn select_list() -> &'static str {
        &Self::lists()[0]
    }
    /// `name, phone_number, …`: the columns an INSERT writes (all but the key).
    fn insert_list() -> &'static str {
        &Self::lists()[1]
    }
    /// `name = ?, phone_number = ?, …`: the assignments of an UPDATE (all but the key).
    fn assignments() -> &'static str {
        &Self::lists()[2]
    }

    /// `clients c`
    fn from_clause() -> String {
        format!("{} {}", Self::TABLE, Self::ALIAS)
    }

    /// The parameters of every column but the key, in declaration order.
    fn values(&self) -> Vec<Value> {
        let mut out = Vec::new();
        self.write(&mut out);
        out.remove(0);
        out
    }
}

/// Column lists of a table, computed once from its declaration.
pub fn column_lists<T: Field>(alias: &str) -> [String; 3] {
    let cols = columns::<T>();
    let select = cols
        .iter()
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rest = &cols[1..];
    let insert = rest.join(", ");
    let assign = rest
        .iter()
        .map(|c| format!("{c} = ?"))
        .collect::<Vec<_>>()
        .join(", ");
    [select, insert, assign]
}

/// `table!(Client => "clients" as "c" { id, name, … })`: the record and its table. The first
/// field is the key.
#[macro_export]
macro_rules! table {
    ($ty:ty => $table:literal as $alias:literal { $($body:tt)* }) => {
        $crate::record!($ty { $($body)* });
        impl $crate::storage::Table for $ty {
            const TABLE: &'static str = $table;
            const ALIAS: &'static str = $alias;
            fn lists() -> &'static [String; 3] {
                static LISTS: std::sync::LazyLock<[String; 3]> =
                    std::sync::LazyLock::new(|| $crate::storage::row::column_lists::<$ty>($alias));
                &LISTS
            }
        }
    };
}

/// The column names of a record, in order.
pub fn columns<T: Field>() -> Vec<&'static str> {
    let mut cols = Vec::new();
    T::columns("", &mut cols);
    cols
}

/// Typed reads on any executor.
impl dyn Exec + '_ {
    /// Inserts a record into `table`, one column per field (a table without its own key
    /// column in the record, e.g. a history); returns the new row's id.
    pub async fn insert_record<T: Field>(
        &mut self,
        table: &str,
        row: &T,
    ) -> Result<i64, StoreError> {
        let cols = columns::<T>();
        let mut params = Vec::with_capacity(cols.len());
        row.write(&mut params);
        let marks = vec!["?"; params.len()].join(", ");
        self.insert(
            &format!("INSERT INTO {table} ({}) VALUES ({marks})", cols.join(", ")),
            &params,
        )
        .await
    }

    /// Every row, each read as `T`.
    pub async fn all<T: Field>(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Vec<T>, StoreError> {
        self.fetch_all(sql, params)
            .await?
            .into_iter()
            .map(decode)
            .collect()
    }

    /// The first row, if any.
    pub async fn first<T: Field>(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<T>, StoreError> {
        self.fetch_all(sql, params)
            .await?
            .into_iter()
            .next()
            .map(decode)
            .transpose()
    }

    /// The first row; [`StoreError::NotFound`] when there is none.
    pub async fn one<T: Field>(&mut self, sql: &str, params: &[Value]) -> Result<T, StoreError> {
        self.first(sql, params).await?.ok_or(StoreError::NotFound)
    }

    /// Inserts `row` (all columns but its key) with `extra` write-only columns after them;
    /// returns the new key.
    pub async fn insert_row<T: Table>(
        &mut self,
        row: &T,
        extra: &[(&str, Value)],
    ) -> Result<i64, StoreError> {
        let mut columns = T::insert_list().to_owned();
        let mut params = row.values();
        for (name, value) in extra {
            columns.push_str(", ");
            columns.push_str(name);
            params.push(value.clone());
        }
        let marks = vec!["?"; params.len()].join(", ");
        self.insert(
            &format!("INSERT INTO {} ({columns}) VALUES ({marks})", T::TABLE),
            &params,
        )
        .await
    }

    /// Writes every column of `row` but its key, and `extra` assignments after them, to the row
    /// with `row`'s key; returns whether it exists.
    pub async fn update_row<T: Table>(
        &mut self,
        row: &T,
        extra: &[(&str, Value)],
    ) -> Result<bool, StoreError> {
        let mut all = Vec::new();
        row.write(&mut all);
        let key = all.remove(0);
        let mut sets = T::assignments().to_owned();
        for (assignment, value) in extra {
            sets.push_str(", ");
            sets.push_str(assignment);
            all.push(value.clone());
        }
        all.push(key);
        let n = self
            .execute(
                &format!("UPDATE {} SET {sets} WHERE id = ?", T::TABLE),
                &all,
            )
            .await?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params;

    #[derive(Debug, Clone, PartialEq)]
    struct Span {
        from: NaiveDate,
        to: NaiveDate,
    }
    crate::record!(Span {
        from = "starts",
        to = "ends"
    });

    #[derive(Debug, Clone, PartialEq)]
    struct Thing {
        id: i64,
        name: String,
        span: Span,
        note: Option<String>,
        price: Money,
    }
    crate::table!(Thing => "things" as "t" { id, name = "title", span, note, price = "price_minor" });

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn thing() -> Thing {
        Thing {
            id: 0,
            name: "Home 10M".into(),
            span: Span {
                from: d("2024-01-31"),
                to: d("2024-02-29"),
            },
            note: None,
            price: Money::from_minor(15_000_050),
        }
    }

    #[test]
    fn one_declaration_gives_every_list() {
        assert_eq!(
            Thing::select_list(),
            "t.id, t.title, t.starts, t.ends, t.note, t.price_minor"
        );
        assert_eq!(
            Thing::insert_list(),
            "title, starts, ends, note, price_minor"
        );
        assert_eq!(
            Thing::assignments(),
            "title = ?, starts = ?, ends = ?, note = ?, price_minor = ?"
        );
        assert_eq!(Thing::from_clause(), "things t");
        let v = thing().values();
        assert_eq!(v.len(), 5);
        assert_eq!(v[4], Value::Int(15_000_050));
        assert_eq!(v[3], Value::Null(Kind::Text));
    }

    #[test]
    fn unread_and_missing_columns_are_errors() {
        let row = Row(vec![Value::Int(1), Value::Text("x".into())]);
        assert!(decode::<i64>(row.clone()).is_err(), "a column left over");
        assert!(
            decode::<(i64, String, i64)>(row.clone()).is_err(),
            "too few"
        );
        assert_eq!(decode::<(i64, String)>(row).unwrap(), (1, "x".into()));
    }

    async fn round_trip(ex: &mut dyn Exec) -> Result<(), StoreError> {
        ex.batch(
            "CREATE TABLE things (id {id}, title VARCHAR(100) NOT NULL, starts DATE NOT NULL, \
             ends DATE NOT NULL, note VARCHAR(100) NULL, price_minor BIGINT NOT NULL)",
        )
        .await?;
        let id = ex.insert_row(&thing(), &[]).await?;
        // A column added later, and a table whose physical order differs from the
        // declaration, change nothing: every statement names its columns.
        ex.batch("ALTER TABLE things ADD COLUMN colour VARCHAR(10) NULL")
            .await?;
        ex.execute("UPDATE things SET colour = 'red'", &[]).await?;
        let sql = format!(
            "SELECT {}, t.colour FROM {} WHERE t.id = ?",
            Thing::select_list(),
            Thing::from_clause()
        );
        let (got, colour): (Thing, Option<String>) = ex.one(&sql, params![id]).await?;
        assert_eq!(got, Thing { id, ..thing() });
        assert_eq!(colour.as_deref(), Some("red"));
        let mut changed = got.clone();
        changed.note = Some("upgraded".into());
        changed.span.to = d("2024-03-31");
        assert!(ex.update_row(&changed, &[]).await?);
        let again: Thing = ex
            .one(
                &format!(
                    "SELECT {} FROM {} WHERE t.id = ?",
                    Thing::select_list(),
                    Thing::from_clause()
                ),
                params![id],
            )
            .await?;
        assert_eq!(again, changed);
        Ok(())
    }

    #[tokio::test]
    async fn rows_round_trip_through_sqlite_after_a_column_is_added() {
        let path = std::env::temp_dir().join(format!("mikronet-row-{}.db", uuid::Uuid::new_v4()));
        let db = crate::storage::Db::connect(&format!("sqlite://{}", path.display()), 1)
            .await
            .unwrap();
        db.write(|ex| Box::pin(round_trip(ex))).await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
