// Overview: one breakdown table (by step, channel, segment, hours since abandonment), half the page wide.
import { BlockStack, Box, Card, DataTable, Layout, Text } from "@shopify/polaris";

/** One breakdown table of the Overview (by step, channel, segment, hours since abandonment). */
export function BreakdownTable(props: {
  id: string;
  title: string;
  types: Array<"text" | "numeric">;
  headings: string[];
  rows: Array<Array<string | number>>;
  /** The whole page wide (tables with many columns). */
  wide?: boolean;
}) {
  return (
    <Layout.Section variant={props.wide ? "fullWidth" : "oneHalf"}>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {props.title}
          </Text>
          <Box id={props.id}>
            <DataTable columnContentTypes={props.types} headings={props.headings} rows={props.rows} />
          </Box>
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}
