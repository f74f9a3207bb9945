"""c2siorg/dataloom#443: the data routes were `async def` while reading the dataset with pandas
and computing on it; the profiling route reads the whole file, then computes duplicate rows, a
quality score and per-column statistics (dtype, nulls, unique count, distribution) on the event
loop, so one request on a 10 MB upload blocks every other request for up to seconds. The PR made
these routes plain `def`, which FastAPI runs in its threadpool. The route is the project's; the
helpers follow its docstrings. (The file read and the synchronous session are the coroutine
family's matter; only the computation is marked here.)"""
import uuid

import pandas as pd
from fastapi import APIRouter, Depends
from sqlmodel import Session

from app import database
from app.api.dependencies import get_project_or_404

router = APIRouter()


def read_file_safe(file_path):
    if file_path.endswith(".csv"):
        return pd.read_csv(file_path)
    return pd.read_excel(file_path)


def compute_quality_score(df):
    if df.empty:
        return 100.0
    null_ratio = df.isna().sum().sum() / (len(df) * len(df.columns))
    duplicate_ratio = df.duplicated().sum() / len(df)
    return round(100.0 * (1.0 - 0.7 * null_ratio - 0.3 * duplicate_ratio), 1)


def get_column_profile(df):
    columns = []
    for col in df.columns:
        s = df[col]
        info = {
            "name": str(col),
            "dtype": str(s.dtype),
            "null_count": int(s.isna().sum()),
            "null_percent": round(float(s.isna().mean()) * 100, 2),
            "unique_count": int(s.nunique()),
        }
        if pd.api.types.is_numeric_dtype(s):
            info.update(
                {
                    "mean": float(s.mean()),
                    "std": float(s.std()),
                    "min": float(s.min()),
                    "max": float(s.max()),
                    "quartiles": [float(q) for q in s.quantile([0.25, 0.5, 0.75])],
                }
            )
        columns.append(info)
    return columns


@router.get("/{project_id}/profile")
async def get_dataset_profile(
    project_id: uuid.UUID,
    db: Session = Depends(database.get_db),
):
    """Return a column-level statistical profile for a project's dataset."""
    project = get_project_or_404(project_id, db)
    df = read_file_safe(project.file_path)

    duplicate_rows = int(df.duplicated().sum())
    quality_score = compute_quality_score(df)
    columns = get_column_profile(df)  # BUG: CCL202

    return {
        "project_id": str(project_id),
        "total_rows": len(df),
        "total_columns": len(df.columns),
        "duplicate_rows": duplicate_rows,
        "quality_score": quality_score,
        "columns": columns,
    }
