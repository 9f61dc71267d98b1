/* words: the passphrase word list and the generator. The list was written for sava
 * (not taken from a published list): common words a volunteer can spell from hearing
 * them, sorted, fixed once passphrases exist. Trusted with fresh passphrases, which live
 * only in the caller's buf_t. */
#include "vault/words.h"

#include <sodium.h>
#include <string.h>

/* Fixed-width rows: no pointer table, every word NUL-terminated within its 9 bytes. */
static const char words_list[][WORDS_MAX_LEN + 1] = {
	"able", "accept", "acorn", "acre", "acrobat", "active", "actor", "add", "adjust", "admire",
	"adopt", "adult", "advice", "afford", "agile", "agree", "aim", "airport", "alert", "alley",
	"allow", "almond", "amber", "ample", "anchor", "ancient", "angle", "ankle", "answer",
	"antenna", "anthem", "ape", "app", "applaud", "apple", "apricot", "apron", "arcade",
	"arch", "archery", "area", "arena", "arm", "arrange", "arrive", "art", "artist", "ash",
	"ask", "aspen", "assist", "asteroid", "attach", "attend", "attic", "aurora", "author",
	"autumn", "avenue", "avocado", "awake", "aware", "azure", "baby", "back", "backpack",
	"backup", "bacon", "badge", "badger", "bag", "bagel", "baguette", "bake", "baker",
	"bakery", "balance", "balcony", "ball", "ballad", "ballet", "balloon", "bamboo", "banana",
	"band", "banjo", "bank", "banker", "banner", "barber", "barge", "barley", "barn", "barrel",
	"base", "basement", "basic", "basil", "basis", "basket", "bat", "bath", "bathe",
	"bathroom", "bathtub", "battery", "bay", "beagle", "beam", "bean", "beard", "beauty",
	"beaver", "bed", "bedroom", "beef", "beetle", "begin", "behave", "beige", "believe",
	"bell", "belly", "belt", "bench", "bend", "bicycle", "bike", "billion", "birch", "bird",
	"birth", "biscuit", "bison", "black", "blanket", "blend", "blender", "blink", "blizzard",
	"bloom", "blossom", "blouse", "bluebell", "bluebird", "blush", "boar", "boat", "boil",
	"bold", "bolt", "bond", "bonus", "book", "boot", "border", "borrow", "bother", "bottle",
	"bottom", "bounce", "bowl", "bowling", "box", "bracelet", "brain", "branch", "brass",
	"brave", "bread", "breathe", "breeze", "brick", "bridge", "brief", "bright", "brighten",
	"bring", "brisk", "broad", "bronze", "brook", "broom", "broth", "brother", "brown",
	"brownie", "browse", "browser", "brush", "bucket", "bud", "buffalo", "build", "builder",
	"bull", "bump", "bumpy", "bun", "bundle", "bunny", "burrito", "bus", "bush", "busy",
	"butler", "butter", "button", "cab", "cabbage", "cabin", "cable", "cactus", "cake", "calf",
	"calm", "camel", "camera", "camp", "campus", "canal", "canary", "candid", "candle",
	"candy", "canoe", "canvas", "canyon", "cap", "cape", "captain", "car", "caramel", "carbon",
	"card", "cardinal", "care", "career", "careful", "cargo", "carol", "carpet", "carriage",
	"carrot", "carry", "cart", "case", "cashew", "cashier", "castle", "cat", "catch", "cattle",
	"cause", "cave", "cedar", "celery", "cello", "cement", "century", "ceramic", "chain",
	"chair", "chalk", "chance", "change", "chapel", "charcoal", "charger", "chariot", "chart",
	"chase", "chat", "check", "cheek", "cheer", "cheerful", "cheese", "cheetah", "chef",
	"chemist", "cherish", "cherry", "chess", "chest", "chestnut", "chew", "chicken", "chief",
	"child", "chimney", "chin", "chip", "choice", "choose", "chop", "chorus", "chowder",
	"cider", "cinema", "circle", "circuit", "city", "civil", "clap", "clarinet", "clay",
	"clean", "clear", "clerk", "clever", "click", "cliff", "climb", "clinic", "clip", "clock",
	"close", "closet", "cloth", "cloud", "cloudy", "clover", "clown", "club", "clue", "coach",
	"coast", "coat", "cobra", "cocoa", "coconut", "cod", "code", "coffee", "coil", "coin",
	"collect", "college", "collie", "colt", "column", "comb", "comet", "comfort", "compare",
	"compass", "compete", "complete", "composer", "concept", "concert", "concrete", "cone",
	"confirm", "connect", "consider", "contain", "continue", "convert", "cook", "cookie",
	"copper", "copy", "coral", "core", "cork", "corn", "corner", "correct", "cosmic", "cosmos",
	"costume", "cottage", "cotton", "couch", "cougar", "count", "county", "courier", "court",
	"cousin", "cove", "cover", "cow", "cowboy", "coyote", "crab", "cradle", "crafty", "crane",
	"crate", "crater", "crawl", "crayon", "cream", "create", "credit", "crest", "cricket",
	"crimson", "crisp", "crocus", "cross", "crow", "crown", "crumb", "crystal", "cub", "cube",
	"cucumber", "cuddle", "culture", "cup", "cupboard", "cupcake", "curling", "curly", "curry",
	"cursor", "curtain", "curve", "cushion", "custard", "cute", "cycle", "cycling", "cypress",
	"daffodil", "daily", "dainty", "daisy", "damp", "dance", "dancer", "dare", "daring",
	"dark", "data", "dawn", "day", "daylight", "debate", "decade", "decide", "decorate",
	"deep", "defend", "delay", "deliver", "delta", "denim", "dense", "dentist", "depend",
	"describe", "deserve", "design", "desk", "desktop", "detail", "develop", "dial", "diamond",
	"differ", "dig", "dimple", "dine", "diner", "dingo", "direct", "disco", "discover", "dish",
	"dive", "divide", "dock", "doctor", "dog", "dolphin", "dome", "domino", "donate", "donkey",
	"door", "doorbell", "dot", "double", "dove", "download", "dozen", "drag", "drain", "draw",
	"drawer", "dream", "dreamy", "dress", "drift", "drill", "drink", "drive", "driver",
	"drizzle", "drop", "drum", "drummer", "dry", "duck", "duet", "dumpling", "dune", "dusk",
	"dust", "dusty", "eager", "eagle", "early", "earn", "earring", "earth", "easel", "easy",
	"eat", "echo", "eclipse", "edge", "edit", "editor", "educate", "eel", "effort", "egg",
	"eighty", "elastic", "elbow", "elder", "elect", "elegant", "eleven", "elk", "elm",
	"embrace", "emerald", "employ", "empty", "emu", "enable", "enamel", "energy", "engage",
	"engine", "engineer", "enjoy", "enlarge", "ensure", "enter", "epic", "equal", "equator",
	"equip", "erase", "escape", "estimate", "even", "evening", "event", "exact", "examine",
	"exchange", "excite", "exercise", "exist", "exotic", "expand", "expect", "explain",
	"explore", "express", "extend", "eyebrow", "eyelash", "fable", "fabled", "fabric", "face",
	"fact", "factory", "faith", "falcon", "family", "famous", "fan", "fancy", "farm", "farmer",
	"fashion", "fast", "fasten", "father", "feature", "feed", "feel", "felt", "fence",
	"fencing", "fern", "ferret", "ferry", "festive", "fetch", "fiddle", "field", "fiery",
	"fifty", "fig", "file", "fill", "film", "finch", "find", "fine", "finger", "firefly",
	"firm", "fish", "fisher", "fit", "five", "fix", "flag", "flake", "flame", "flamingo",
	"flannel", "flap", "flash", "flat", "fleece", "fleet", "flick", "flint", "flip", "float",
	"flock", "flood", "floral", "florist", "flow", "fluffy", "flute", "flutter", "fly", "foal",
	"focus", "fog", "foggy", "fold", "folder", "follow", "fondue", "foot", "force", "forehead",
	"forest", "forgive", "fork", "formal", "forum", "fountain", "fox", "fragrant", "frame",
	"freckle", "freezer", "fresh", "fridge", "friend", "friendly", "frog", "frost", "fry",
	"fudge", "fuel", "full", "funnel", "funny", "future", "fuzzy", "gadget", "galaxy",
	"gallery", "gallop", "game", "garage", "garden", "garlic", "gate", "gather", "gaze",
	"gazelle", "gear", "gecko", "gelato", "gem", "gentle", "gerbil", "geyser", "giant", "gift",
	"gifted", "giggle", "ginger", "giraffe", "give", "glacier", "glad", "glance", "glass",
	"glen", "glide", "glider", "global", "globe", "glossy", "glove", "glow", "goal", "goat",
	"gold", "golden", "golf", "gondola", "good", "goose", "gopher", "govern", "grab",
	"graceful", "grain", "grand", "grandma", "grandpa", "granite", "grape", "grass", "gravel",
	"gravy", "graze", "green", "greet", "grid", "grin", "grip", "gritty", "grocer", "groove",
	"grove", "grow", "guard", "guava", "guess", "guide", "guitar", "gulf", "gull", "gust",
	"habit", "hail", "half", "hallway", "ham", "hammer", "hammock", "hamster", "hand",
	"handle", "hang", "happen", "happy", "hardy", "harmony", "harp", "harvest", "hat", "hatch",
	"hawk", "hazel", "hazelnut", "health", "heap", "heart", "hearty", "heat", "heather",
	"heavy", "hedge", "hedgehog", "helmet", "help", "helpful", "hen", "herb", "hero", "heron",
	"herring", "hidden", "high", "hike", "hiking", "hill", "hinge", "hip", "hippo", "history",
	"hive", "hockey", "hold", "hollow", "holly", "honest", "honey", "hoodie", "hook", "hop",
	"hope", "hopeful", "horizon", "horn", "hornet", "horse", "hospital", "hotel", "hound",
	"house", "hover", "hub", "hug", "huge", "hum", "humble", "hundred", "hurry", "husky",
	"hut", "hyena", "icy", "idea", "ideal", "identify", "igloo", "iguana", "image", "imagine",
	"improve", "include", "income", "increase", "index", "indigo", "inform", "inlet", "inn",
	"inspect", "inspire", "install", "instant", "intend", "invent", "invest", "invite", "iris",
	"iron", "island", "issue", "ivory", "ivy", "jackal", "jacket", "jade", "jaguar", "jam",
	"janitor", "jar", "jasmine", "jazz", "jelly", "jester", "jet", "jewel", "jigsaw", "jog",
	"jogging", "join", "joke", "jolly", "journey", "joy", "joyful", "judge", "judo", "juggle",
	"juggler", "juice", "juicy", "jump", "jungle", "justice", "kale", "kangaroo", "karate",
	"kayak", "keen", "keep", "kettle", "key", "keyboard", "kick", "kind", "kindly", "king",
	"kitchen", "kite", "kitten", "kiwi", "knee", "kneel", "knit", "knob", "knock", "knuckle",
	"koala", "label", "lace", "ladder", "ladybug", "lagoon", "lake", "lamb", "lamp", "land",
	"lantern", "laptop", "large", "lark", "last", "latch", "late", "laugh", "launch",
	"laundry", "lava", "lavender", "lavish", "lawyer", "layer", "leader", "leaf", "lean",
	"leap", "learn", "leather", "leave", "leek", "legal", "lemon", "lemonade", "lend", "lens",
	"lentil", "leopard", "lettuce", "level", "lever", "liberty", "library", "lid", "lift",
	"light", "lilac", "lily", "lime", "limit", "line", "linen", "link", "lion", "lip",
	"listen", "little", "live", "lively", "lizard", "llama", "load", "loaf", "lobby",
	"lobster", "local", "locate", "lock", "locket", "locust", "lodge", "loft", "lofty", "log",
	"logic", "lollipop", "long", "look", "loop", "lotus", "loud", "lovely", "loyal", "luck",
	"lucky", "lullaby", "lunar", "lung", "lyric", "magenta", "magic", "magician", "magnet",
	"magpie", "mailbox", "major", "make", "mall", "mammoth", "manage", "mango", "mansion",
	"mantis", "map", "maple", "marble", "march", "marigold", "marina", "market", "maroon",
	"marsh", "mask", "mat", "match", "matter", "mattress", "mature", "mayor", "meadow",
	"measure", "meatball", "mechanic", "mellow", "melody", "melon", "melt", "member", "memory",
	"mend", "mention", "mentor", "menu", "mercy", "merry", "mesa", "mesh", "metal", "meteor",
	"method", "midday", "midnight", "mighty", "mild", "milk", "mill", "million", "mint",
	"minty", "minute", "mirror", "miss", "misty", "mitten", "mix", "mobile", "model", "modern",
	"modest", "mole", "molten", "moment", "monitor", "monk", "monkey", "month", "mood", "moon",
	"moose", "moss", "mossy", "moth", "mother", "motion", "motor", "mountain", "mouse",
	"mouth", "move", "mow", "mud", "muddy", "muffin", "mug", "mulberry", "mule", "mural",
	"murmur", "museum", "mushroom", "music", "musical", "mustard", "nail", "name", "nanny",
	"napkin", "narrow", "native", "natural", "nature", "navy", "nearby", "neat", "nebula",
	"neck", "necklace", "nectar", "need", "needle", "nephew", "nest", "net", "network", "newt",
	"nice", "nickel", "niece", "nifty", "nimble", "nine", "ninety", "noble", "nod", "node",
	"noodle", "noon", "normal", "notch", "note", "notebook", "notice", "notion", "novel",
	"number", "nurse", "nursery", "nut", "nylon", "oak", "oasis", "oat", "oatmeal", "obey",
	"object", "observe", "obtain", "ocean", "odd", "offer", "office", "old", "olive", "onion",
	"opal", "open", "opera", "operate", "option", "orange", "orbit", "orchard", "orchid",
	"order", "organ", "origin", "ostrich", "otter", "oval", "oven", "owl", "own", "oyster",
	"pace", "pack", "pad", "paddle", "padlock", "paint", "painter", "palace", "palm", "pan",
	"pancake", "panda", "panel", "panther", "pantry", "papaya", "paper", "parcel", "parent",
	"park", "parrot", "parsley", "part", "partner", "pass", "pasta", "pastel", "pastry",
	"pasture", "patch", "path", "patio", "pattern", "pay", "peach", "peacock", "peanut",
	"pearl", "pebble", "pecan", "peck", "peel", "peep", "peg", "pelican", "pen", "pencil",
	"penguin", "pepper", "perform", "period", "permit", "petal", "pharmacy", "phase", "phone",
	"pianist", "piano", "pick", "pickle", "pickup", "picture", "pig", "pigeon", "piglet",
	"pile", "pillar", "pillow", "pilot", "pin", "pinch", "pine", "pink", "pipe", "pirate",
	"pitch", "pixel", "pizza", "place", "plan", "planet", "plank", "plant", "plaster",
	"plastic", "plate", "plateau", "play", "plaza", "please", "pleasure", "plenty", "plug",
	"plum", "plumber", "plump", "plunge", "pocket", "poem", "poet", "poetry", "point", "polar",
	"polish", "polite", "polka", "pollen", "polo", "pond", "pony", "poodle", "pop", "popcorn",
	"poppy", "porch", "porridge", "port", "portal", "porter", "possum", "post", "pot",
	"potato", "potter", "pouch", "power", "prairie", "praise", "prefer", "prepare", "present",
	"preserve", "press", "pretend", "pretzel", "prevent", "pride", "prime", "prince",
	"princess", "print", "printer", "prism", "produce", "promise", "proper", "protect",
	"proud", "provide", "pub", "pudding", "puddle", "puffin", "pull", "pulse", "puma", "pump",
	"pumpkin", "pupil", "puppy", "pure", "purple", "purr", "push", "puzzle", "quail",
	"quality", "quartet", "quartz", "queen", "quest", "question", "quick", "quiet", "quilt",
	"quirky", "rabbit", "race", "rack", "radiant", "radio", "radish", "raft", "rail", "rain",
	"rainbow", "raincoat", "rainy", "raise", "raisin", "rake", "ram", "ramp", "ranch", "range",
	"ranger", "rapid", "rare", "raven", "ravioli", "ray", "reach", "ready", "reason", "recall",
	"record", "reduce", "redwood", "reef", "reflect", "regal", "reindeer", "rejoice", "relax",
	"relay", "release", "remain", "remember", "remind", "remove", "repair", "repeat", "reply",
	"rescue", "respect", "rest", "result", "retire", "return", "ribbon", "rice", "rich",
	"riddle", "ride", "ridge", "rim", "ring", "rinse", "ripple", "risk", "river", "roar",
	"robe", "robin", "robot", "robust", "rock", "rocket", "rod", "roof", "room", "rope",
	"rose", "rosy", "rough", "round", "row", "rowboat", "rowing", "royal", "rub", "rubber",
	"ruby", "rug", "rugby", "rugged", "rule", "run", "rural", "rush", "rust", "rustic", "sack",
	"saddle", "safe", "safety", "saga", "sage", "sailboat", "sailing", "sailor", "salad",
	"salmon", "salsa", "salt", "salty", "sand", "sandal", "sandwich", "sandy", "sardine",
	"satin", "satisfy", "sauce", "sausage", "save", "say", "scale", "scan", "scanner", "scarf",
	"scarlet", "scatter", "scenic", "scholar", "school", "scooter", "scrape", "scratch",
	"screen", "scroll", "scrub", "sculptor", "seagull", "seal", "search", "season", "seat",
	"seaweed", "second", "secret", "seed", "send", "sense", "sensor", "serene", "series",
	"serve", "server", "sesame", "settle", "seven", "seventy", "shade", "shaggy", "shake",
	"shape", "share", "shark", "sharp", "shave", "shawl", "sheep", "sheet", "shelf", "shell",
	"shelter", "shepherd", "shield", "shine", "shiny", "ship", "shirt", "shoe", "shop",
	"shore", "short", "shoulder", "shovel", "shower", "shrimp", "shrub", "shrug", "sigh",
	"sign", "signal", "silent", "silk", "silky", "silly", "silver", "simple", "sincere",
	"sing", "singer", "sink", "sip", "sister", "sit", "six", "sixty", "skate", "skating",
	"sketch", "ski", "skiing", "skill", "skin", "skip", "skirt", "skunk", "sky", "slab",
	"slate", "sled", "sleek", "sleep", "sleepy", "sleet", "slick", "slide", "slim", "slip",
	"slipper", "slope", "slot", "sloth", "slow", "small", "smart", "smell", "smile", "smooth",
	"snail", "snappy", "sneaker", "sneeze", "sniff", "snore", "snow", "snowy", "snug", "soak",
	"soap", "soccer", "social", "sock", "socket", "sofa", "soft", "soil", "solar", "solid",
	"solo", "solution", "solve", "song", "soothe", "sort", "sound", "soup", "space", "spaniel",
	"spare", "spark", "sparkle", "sparkly", "sparrow", "speak", "speaker", "speech", "speed",
	"speedy", "spell", "sphere", "spicy", "spider", "spin", "spinach", "spine", "spiral",
	"spirit", "splash", "spoke", "spoon", "spot", "spotted", "spray", "spring", "springy",
	"sprout", "spruce", "square", "squash", "squeak", "squeal", "squeeze", "squid", "stable",
	"stack", "stadium", "stage", "stamp", "stand", "star", "start", "stately", "station",
	"statue", "stay", "steady", "steamy", "steep", "steer", "stellar", "stem", "step", "stew",
	"stick", "sticky", "still", "stir", "stitch", "stomach", "stone", "stool", "stop", "store",
	"stork", "storm", "stormy", "story", "stout", "stove", "strap", "stream", "street",
	"stretch", "string", "stripe", "strong", "student", "studio", "study", "stuff", "sturdy",
	"style", "subject", "subway", "success", "sudden", "sugar", "suggest", "suit", "suitcase",
	"summer", "summit", "sunbeam", "sunhat", "sunlit", "sunny", "sunrise", "sunset", "super",
	"supply", "support", "suppose", "surfing", "surgeon", "surprise", "surround", "sushi",
	"suspend", "swallow", "swamp", "swan", "sweater", "swift", "swim", "swing", "switch",
	"syrup", "system", "table", "tablet", "taco", "tag", "tailor", "talent", "talk", "tall",
	"tame", "tan", "tango", "tap", "tape", "target", "tart", "taste", "taxi", "teach",
	"teacher", "teacup", "teal", "teapot", "teenager", "tell", "temple", "tempo", "ten",
	"tender", "tennis", "tent", "termite", "terrace", "terrier", "test", "thank", "thaw",
	"theme", "theory", "thigh", "think", "thirty", "thorn", "thought", "thousand", "thread",
	"three", "thrifty", "throw", "thumb", "thunder", "tick", "ticket", "tickle", "tidy", "tie",
	"tiger", "tile", "timber", "time", "timely", "tin", "tiny", "tip", "toad", "toast",
	"toaster", "today", "toddler", "tofu", "token", "tomato", "tongue", "tool", "tooth",
	"topaz", "topic", "tortilla", "toss", "touch", "tough", "towel", "tower", "town", "toy",
	"trace", "track", "tractor", "trade", "trail", "trailer", "train", "tram", "travel",
	"tray", "treat", "tree", "trick", "trio", "trip", "trivia", "trophy", "trot", "trout",
	"truck", "true", "truffle", "trumpet", "trunk", "trust", "trusty", "truth", "try", "tub",
	"tuba", "tube", "tug", "tugboat", "tulip", "tumble", "tuna", "tundra", "tune", "tunnel",
	"turkey", "turn", "turnip", "turtle", "tutor", "tweed", "twelve", "twenty", "twig",
	"twilight", "twin", "twine", "twist", "type", "umbrella", "uncle", "unfold", "uniform",
	"union", "unique", "unit", "unite", "unlock", "unpack", "upbeat", "update", "upload",
	"upper", "urban", "use", "useful", "usual", "valid", "valley", "value", "valve", "van",
	"vanilla", "vase", "vast", "velvet", "venture", "verse", "version", "vest", "vibrant",
	"video", "villa", "village", "vine", "vineyard", "viola", "violet", "violin", "vision",
	"visit", "visual", "vital", "vivid", "vocal", "voice", "volcano", "waffle", "wagon",
	"waiter", "walk", "wall", "wallet", "walnut", "walrus", "waltz", "wander", "want", "warm",
	"wary", "wash", "wasp", "watch", "wave", "wavy", "wax", "wealth", "wealthy", "weasel",
	"weave", "web", "website", "wedge", "weekend", "weekly", "welcome", "whale", "wheat",
	"wheel", "whirl", "whisk", "whisper", "whistle", "white", "wide", "widget", "wild",
	"willow", "win", "wind", "windmill", "window", "windy", "wing", "wink", "winter", "wintry",
	"wire", "wisdom", "wise", "wish", "witty", "wizard", "wobble", "wolf", "wombat", "wonder",
	"wooden", "wool", "work", "workshop", "world", "worm", "worthy", "wren", "wrench",
	"wrestle", "wriggle", "wrist", "writer", "yak", "yam", "yard", "yarn", "yawn", "year",
	"yearly", "yell", "yellow", "yoga", "young", "youth", "zebra", "zero", "zesty", "zinc",
	"zip", "zipper", "zippy", "zoo", "zoom",
};

_Static_assert(sizeof(words_list) / sizeof(words_list[0]) == WORDS_COUNT,
    "the word list has exactly WORDS_COUNT words");

size_t
words_count(void)
{
	return WORDS_COUNT;
}

const char *
words_at(size_t i)
{
	return i < WORDS_COUNT ? words_list[i] : NULL;
}

size_t
words_list_count(words_list_t l)
{
	return l == WORDS_EN ? WORDS_COUNT : l == WORDS_RU || l == WORDS_BE ? WORDS_LANG_COUNT : 0;
}

const char *
words_list_at(words_list_t l, size_t i)
{
	if (i >= words_list_count(l))
		return NULL;
	return l == WORDS_EN ? words_list[i] : l == WORDS_RU ? words_ru_list[i] : words_be_list[i];
}

unsigned
passphrase_words_for(words_list_t l)
{
	return l == WORDS_EN ? PASSPHRASE_WORDS_DEFAULT : PASSPHRASE_WORDS_LANG;
}

int
passphrase_generate(buf_t *out, unsigned nwords)
{
	return passphrase_generate_from(out, WORDS_EN, nwords);
}

int
passphrase_generate_from(buf_t *out, words_list_t l, unsigned nwords)
{
	uint32_t pick = 0;
	int rc = 0;
	size_t count = words_list_count(l);

	if (nwords < 1 || nwords > PASSPHRASE_WORDS_MAX || count == 0) {
		buf_free(out);
		return -1;
	}
	for (unsigned i = 0; rc == 0 && i < nwords; i++) {
		pick = randombytes_uniform((uint32_t)count);
		const char *w = words_list_at(l, pick);
		if (i > 0)
			rc = buf_putc(out, ' ');
		if (rc == 0)
			rc = buf_append(out, w, strnlen(w, WORDS_LANG_MAX_BYTES));
	}
	sodium_memzero(&pick, sizeof(pick));
	return rc;   /* a failed append has already freed out */
}
