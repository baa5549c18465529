"""Policy answers from reviewed knowledge: ranking (`search`), whether a question is ours at all (`scope`), and
the answer a rider gets, follow-ups included (`answers`)."""
