// Mantine's PostCSS preset (breakpoint mixins, rem()).
module.exports = { plugins: { "postcss-preset-mantine": {} } };
