"""The nearest stations: the spatial index with opening hours and amenities (`index`), places in words
(`gazetteer`) and coordinates, distances and map links (`geo`)."""
