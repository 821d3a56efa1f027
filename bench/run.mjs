// Runs every benchmark under bench/ and prints one table of ratios (none yet).
console.log('bench: not yet');
