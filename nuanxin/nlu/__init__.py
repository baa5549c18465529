"""Understanding Chinese messages: Rasa's CLI started the way our model needs, our pipeline components, and the
training data generated from knowledge/ (jieba's user dictionary, lookup tables, policy titles)."""
