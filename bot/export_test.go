package bot

// What the tests of package bot_test (the answerer with a real language
// model client, which imports this package) share with these.
var (
	DefaultAnswerer = defaultAnswerer
	CheckCitations  = checkCitations
	Ask             = question
)

const Part2URL = part2URL
