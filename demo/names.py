"""Names for demo patrons: common given names and surnames of an English-speaking town, with a
few from its neighbours, so that lists and searches look like a real library's."""

FIRST_NAMES = """
Olivia Liam Emma Noah Ava Oliver Sophia Elijah Isabella James Mia William Amelia Benjamin
Harper Lucas Evelyn Henry Abigail Alexander Emily Michael Ella Daniel Elizabeth Jacob Sofia
Logan Avery Jackson Scarlett Sebastian Grace Jack Chloe Aiden Victoria Owen Riley Samuel Aria
Matthew Lily Joseph Aubrey Levi Zoey David Penelope John Lillian Wyatt Nora Carter Hannah
Julian Layla Luke Zoe Grayson Stella Isaac Leah Gabriel Hazel Anthony Violet Dylan Aurora
Lincoln Savannah Thomas Audrey Maya Priya Arjun Fatima Omar Yusuf Mei Hiroshi Sakura Chen
Ana Mateo Lucia Diego Camila Pablo Ingrid Lars Anja Jonas Katarzyna Piotr Aoife Sean Niamh
Margaret Dorothy Walter Harold Frances Eleanor Arthur Ruth George Helen
""".split()

SURNAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Kim Cox Ward Richardson Watson
Brooks Wood James Bennett Gray Patel Singh Chen Wang Tanaka Sato Kowalski Novak Jensen Larsen
Schmidt Fischer O'Brien Byrne Murray MacDonald Fraser Dubois Moreau Rossi Russo Silva Costa
""".split()
