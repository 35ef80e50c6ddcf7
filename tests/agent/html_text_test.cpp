// What load_url hands an agent from an HTML page: the title and the readable text, without scripts,
// styles or tags, entities decoded and blank runs collapsed.
#include <gtest/gtest.h>

#include "agent/url_loader.hpp"

namespace scratch::agent {
namespace {

TEST(HtmlToText, KeepsTheReadableTextOnly) {
  const auto page = html_to_text(
      "<html><head><title>Pears &amp; plums</title><style>p{color:red}</style></head><body>"
      "<script>var secret = 1;</script><h1>Fruit</h1><p>Green&nbsp;pear &#233;t&#xE9; &lt;3</p>"
      "<!-- hidden comment --><ul><li>one</li><li>two</li></ul>   <p>  spaced   out  </p></body></html>");
  EXPECT_EQ(page.title, "Pears & plums");
  EXPECT_EQ(page.text.find("secret"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find("color"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find("hidden"), std::string::npos) << page.text;
  EXPECT_EQ(page.text.find('<'), page.text.find("<3")) << page.text;
  EXPECT_NE(page.text.find("Green pear \xc3\xa9t\xc3\xa9 <3"), std::string::npos) << page.text;
  EXPECT_NE(page.text.find("one\ntwo"), std::string::npos) << page.text;
  EXPECT_NE(page.text.find("spaced out"), std::string::npos) << page.text;
}

TEST(HtmlToText, SurvivesBrokenMarkup) {
  EXPECT_EQ(html_to_text("<p>unclosed <b").text, "unclosed");
  EXPECT_EQ(html_to_text("<script>never closed").text, "");
  EXPECT_EQ(html_to_text("&#99999999; &bogus; x").text, "&#99999999; &bogus; x");
}

}  // namespace
}  // namespace scratch::agent
