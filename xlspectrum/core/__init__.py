"""Floor 1, no domain knowledge: argument validation and its errors, files written safely, the
normal distribution loaded lazily, and the expression language whose one text reads as numpy
and as an Excel formula."""
