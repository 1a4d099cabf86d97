"""Text extraction, OCR and the paper-intake header reader (ADR 0023, 0024; docs/paper-intake.md).

- `extract_text(data, filename=…) -> ExtractionResult`: text PDFs, DOCX, scans and photos;
- `queue_extraction(target=…, object_id=…, storage_name=…)`, `retry_extraction(job_id)`,
  `register_sink(target, on_text=…, on_failure=…)`: the background job and where its text goes;
- `read_header(data) -> HeaderFields`: the registration form's pre-filled fields, each with a
  confidence.
"""

from chinhquyen.core.ocr.extract import ExtractionError, ExtractionResult, extract_text
from chinhquyen.core.ocr.header import FieldValue, HeaderFields, parse_header, read_header
from chinhquyen.core.ocr.tasks import EXTRACT_KIND, queue_extraction, register_sink, retry_extraction, unregister_sink

__all__ = [
    "EXTRACT_KIND",
    "ExtractionError",
    "ExtractionResult",
    "FieldValue",
    "HeaderFields",
    "extract_text",
    "parse_header",
    "queue_extraction",
    "read_header",
    "register_sink",
    "retry_extraction",
    "unregister_sink",
]
