"""Hand-over to hotline staff: the lines people are sent to (`hotline`) and the tickets staff pick up
(`tickets`)."""
