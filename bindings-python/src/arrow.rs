//! Arrow (the core's `arrow`): Arrow data of any Python library (the Arrow PyCapsule
//! interface) as record batches, and record batches as a `pyarrow`-compatible table.

use arrow_array::RecordBatch;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;

use crate::run::Failure;

/// The record batches of any Arrow data (pyarrow, polars, pandas through pyarrow; imported
/// zero-copy with the GIL).
pub fn batches(v: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    v.extract::<AnyRecordBatch>()?
        .into_reader()?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyTypeError::new_err(format!("cannot read the Arrow data: {e}")))
}

/// Whether `v` is Arrow data (it has the Arrow PyCapsule interface).
pub fn is_arrow(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(v.hasattr("__arrow_c_stream__")? || v.hasattr("__arrow_c_array__")?)
}

/// A record batch as a table (`pyo3_arrow.Table`, which pyarrow and polars take).
pub fn table<'py>(py: Python<'py>, batch: RecordBatch) -> PyResult<Bound<'py, PyAny>> {
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?.into_pyobject(py)?.into_any())
}

/// A replay's assessment columns as a table with the spec's assessment columns (built
/// without the GIL).
pub fn assessments_table(py: Python<'_>, columns: anbu::AssessmentColumns) -> PyResult<Bound<'_, PyAny>> {
    let batch =
        py.detach(|| anbu::arrow::assessments_batch(columns)).map_err(|e| PyErr::from(Failure::Type(e.to_string())))?;
    table(py, batch)
}
