namespace CaptureChain.Corpus.Population;

/// <summary>Name and place lists for synthetic French beneficiaries: accents, hyphens and particles on purpose.</summary>
internal static class FrenchNames
{
    // Older generations dominate APA/ASH; younger names appear for PCH.
    public static readonly string[] OlderWomen =
    [
        "Jeanne", "Germaine", "Raymonde", "Andrée", "Yvette", "Simone", "Odette", "Paulette", "Hélène", "Françoise",
        "Marie-Thérèse", "Geneviève", "Denise", "Lucienne", "Renée", "Gisèle", "Colette", "Thérèse", "Josette", "Monique",
        "Marie-Louise", "Éliane", "Solange", "Huguette", "Ginette", "Jacqueline", "Madeleine", "Noëlle", "Bernadette", "Léone",
    ];

    public static readonly string[] OlderMen =
    [
        "Marcel", "René", "Lucien", "Raymond", "André", "Jean-Pierre", "Gérard", "Roger", "Maurice", "Henri",
        "Jean-Claude", "Robert", "Fernand", "Émile", "Gaston", "Léon", "Georges", "Michel", "Jacques", "Francis",
        "Pierre-Marie", "Noël", "Joël", "Hervé", "Serge", "Daniel", "Guy", "Bernard", "Jean-Louis", "Aimé",
    ];

    public static readonly string[] YoungerWomen =
    [
        "Anaïs", "Chloé", "Zoé", "Inès", "Léa", "Manon", "Océane", "Maëlys", "Sophie", "Anne-Sophie",
        "Nathalie", "Céline", "Émilie", "Aurélie", "Sandrine", "Marie-Ève", "Élodie", "Laëtitia", "Fatima", "Yasmine",
    ];

    public static readonly string[] YoungerMen =
    [
        "Loïc", "Jérôme", "Mathéo", "Noé", "Kévin", "Cédric", "Grégory", "Jean-Baptiste", "Théo", "Raphaël",
        "Sébastien", "Frédéric", "Stéphane", "Anthony", "Mehdi", "Karim", "Yannick", "Benoît", "Hugo", "Gaëtan",
    ];

    public static readonly string[] LastNames =
    [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
        "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
        "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
        "Perrin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
        "Lévêque", "Bénard", "Crépin", "Géraud", "Pérez", "Château", "Bourgès", "Ménard", "Téchené", "Besançon",
        "Le Gall", "Le Goff", "Le Roux", "Le Bihan", "Le Floc'h", "Le Corre", "Le Bris",
        "de La Fontaine", "de Lestrade", "de Saint-Exupéry", "du Pont", "de Lamarque", "d'Arcy", "Delacroix",
        "D'Almeida", "Da Silva", "Dos Santos", "Ferreira", "N'Diaye", "Diallo", "Nguyen", "Benali", "Ben Salah", "Haddad",
        "Bourgeois-Durand", "Martin-Lavigne", "Lacoste-Mérignac", "Saint-Martin", "Dupuy-Lafon", "Caraïbe", "Aït-Kaci",
        "Etcheverry", "Larrouy", "Lafargue", "Labadie", "Darrigrand", "Cazenave", "Laborde", "Duprat", "Lescure", "Bordenave",
    ];

    /// <summary>Streets whose names read like a Gironde postcard.</summary>
    public static readonly string[] Streets =
    [
        "rue des Lilas", "avenue de la République", "rue Sainte-Catherine", "cours de l'Intendance", "rue du Château-d'Eau",
        "allée des Pins", "chemin de la Garenne", "impasse des Vignes", "boulevard du Président-Wilson", "rue Émile-Zola",
        "place Gambetta", "rue Jean-Jaurès", "avenue Thiers", "rue de la Benauge", "route de Toulouse", "rue Pasteur",
        "rue Victor-Hugo", "avenue du Médoc", "rue des Écoles", "chemin du Moulin", "lotissement Les Érables",
        "rue Notre-Dame", "quai des Chartrons", "avenue de l'Yser", "rue François-Mauriac", "rue du 8-Mai-1945",
    ];

    /// <summary>Residence towns: mostly the département of the registry (Gironde), some neighbours.</summary>
    public static readonly (string Postcode, string City)[] Towns =
    [
        ("33000", "Bordeaux"), ("33800", "Bordeaux"), ("33700", "Mérignac"), ("33600", "Pessac"), ("33400", "Talence"),
        ("33500", "Libourne"), ("33120", "Arcachon"), ("33130", "Bègles"), ("33310", "Lormont"), ("33290", "Blanquefort"),
        ("33210", "Langon"), ("33340", "Lesparre-Médoc"), ("33160", "Saint-Médard-en-Jalles"), ("33150", "Cenon"),
        ("33140", "Villenave-d'Ornon"), ("33170", "Gradignan"), ("33260", "La Teste-de-Buch"), ("33390", "Blaye"),
        ("33230", "Coutras"), ("33190", "La Réole"), ("33450", "Saint-Loubès"), ("33610", "Canéjan"),
        ("24000", "Périgueux"), ("24100", "Bergerac"), ("40000", "Mont-de-Marsan"), ("40100", "Dax"),
        ("47000", "Agen"), ("47200", "Marmande"), ("17100", "Saintes"), ("17200", "Royan"),
    ];

    /// <summary>Birth places with the INSEE department and commune codes that go into a NIR.</summary>
    public static readonly (string Department, string Commune, string Place)[] BirthPlaces =
    [
        ("33", "063", "Bordeaux (33)"), ("33", "281", "Mérignac (33)"), ("33", "243", "Libourne (33)"),
        ("33", "318", "Pessac (33)"), ("33", "009", "Arcachon (33)"), ("33", "227", "Langon (33)"),
        ("24", "322", "Périgueux (24)"), ("24", "037", "Bergerac (24)"), ("40", "192", "Mont-de-Marsan (40)"),
        ("47", "001", "Agen (47)"), ("17", "415", "Saintes (17)"), ("64", "445", "Pau (64)"), ("64", "102", "Bayonne (64)"),
        ("75", "114", "Paris 14e (75)"), ("75", "118", "Paris 18e (75)"), ("69", "123", "Lyon (69)"),
        ("13", "055", "Marseille (13)"), ("31", "555", "Toulouse (31)"), ("29", "019", "Brest (29)"),
        ("22", "278", "Saint-Brieuc (22)"), ("59", "350", "Lille (59)"), ("87", "085", "Limoges (87)"),
        ("2A", "004", "Ajaccio (2A)"), ("2A", "247", "Porto-Vecchio (2A)"), ("2B", "033", "Bastia (2B)"), ("2B", "096", "Corte (2B)"),
        ("97", "120", "Pointe-à-Pitre (971)"), ("97", "209", "Fort-de-France (972)"), ("97", "411", "Saint-Denis (974)"),
        ("97", "302", "Cayenne (973)"),
        ("99", "352", "Alger (Algérie)"), ("99", "350", "Casablanca (Maroc)"), ("99", "351", "Tunis (Tunisie)"),
        ("99", "139", "Porto (Portugal)"), ("99", "127", "Naples (Italie)"), ("99", "134", "Madrid (Espagne)"),
        ("99", "131", "Liège (Belgique)"),
    ];

    /// <summary>Bank code, branch code, BIC, bank name.</summary>
    public static readonly (string Bank, string Branch, string Bic, string Name)[] Banks =
    [
        ("30004", "00821", "BNPAFRPPXXX", "BNP PARIBAS"), ("30002", "01234", "CRLYFRPPXXX", "LCL - LE CRÉDIT LYONNAIS"),
        ("30003", "02150", "SOGEFRPPXXX", "SOCIÉTÉ GÉNÉRALE"), ("20041", "01001", "PSSTFRPPBOR", "LA BANQUE POSTALE"),
        ("13306", "00018", "AGRIFRPP833", "CRÉDIT AGRICOLE AQUITAINE"), ("13335", "00040", "CEPAFRPP333", "CAISSE D'EPARGNE AQUITAINE POITOU-CHARENTES"),
        ("10278", "02200", "CMCIFR2AXXX", "CRÉDIT MUTUEL DU SUD-OUEST"), ("17906", "00032", "AGRIFRPP879", "CRÉDIT AGRICOLE ANJOU MAINE"),
    ];
}
