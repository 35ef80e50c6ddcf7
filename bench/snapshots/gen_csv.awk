# Writes a deterministic CSV of `rows` data rows (awk -v rows=N -v seed=S -f gen_csv.awk > file.csv):
# 10 columns mixing integers, decimals, short and longer text (some quoted with commas and quotes, some
# empty), a few low-cardinality text columns to filter on, and ISO dates. About 100 bytes a row.
BEGIN {
  if (rows == "") rows = 1000000
  if (seed == "") seed = 42
  srand(seed)
  nw = split("amber birch cedar delta ember fjord garnet harbor indigo juniper kelp lumen maple " \
             "nectar onyx pepper quartz raven sierra tundra umber velvet willow xenon yarrow zephyr", w, " ")
  ns = split("draft published archived", st, " ")
  print "id,name,email,category,status,price,quantity,created,score,description"
  for (i = 1; i <= rows; i++) {
    name = "Item " i " " w[1 + int(rand() * nw)]
    email = "user" int(rand() * 100000) "@example" int(rand() * 50) ".com"
    category = sprintf("cat%02d", int(rand() * 20))
    status = st[1 + int(rand() * ns)]
    price = sprintf("%.2f", rand() * 1000)
    quantity = int(rand() * 1000)
    created = sprintf("%04d-%02d-%02d", 2015 + int(rand() * 10), 1 + int(rand() * 12), 1 + int(rand() * 28))
    score = sprintf("%.3f", rand() * 100)
    r = rand()
    if (r < 0.05) {
      description = ""  # empty: a null
    } else if (r < 0.15) {
      description = "\"" w[1 + int(rand() * nw)] ", " w[1 + int(rand() * nw)] " \"\"quoted\"\"\""
    } else {
      description = w[1 + int(rand() * nw)] " " w[1 + int(rand() * nw)]
    }
    print i "," name "," email "," category "," status "," price "," quantity "," created "," score "," description
  }
}
