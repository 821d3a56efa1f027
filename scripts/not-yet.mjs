// Placeholder for scripts whose issues have not landed yet.
console.log(`${process.argv[2] ?? 'this command'}: not yet`);
