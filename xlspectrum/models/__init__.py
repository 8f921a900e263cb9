"""Floor 3: the cases built from the formulas and mechanisms: the Appendix C cost model, the
chapter 8 valuations, the TV white-space case, New Zealand's 700 MHz auction, the rights market,
sensitivity analysis and the worked examples."""
